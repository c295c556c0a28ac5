// Compares the event interfaces discovery found with their declarations in a MIDL-generated header, member
// by member: IID, kind, each method's vtable slot and parameters (name, type, direction). What the header
// cannot show (a dispinterface's methods, DISPIDs, directions widl does not write) is said, not assumed.
import type { NativeEventInterface, NativeEventMethod, NativeEventParam } from '../binding';
import { headerError } from './read';
import type { HeaderInterface, HeaderKind, HeaderMethod, HeaderParam, MidlHeader } from './parse';
import { compareTypes } from './types';
import { invalidArgType } from '../validate';

export type DifferenceAspect =
  | 'declaration'
  | 'unreadable'
  | 'iid'
  | 'kind'
  | 'method'
  | 'vtableSlot'
  | 'parameter'
  | 'parameterName'
  | 'parameterType'
  | 'direction';

export interface HeaderDifference {
  aspect: DifferenceAspect;
  /** The method (and parameter) concerned, e.g. 'OnRequestShutdown(isAllowed)'; undefined for the interface itself. */
  member?: string;
  /** What the header says, and what discovery found, where each says something. */
  header?: string;
  discovered?: string;
  /** The difference in one sentence. */
  message: string;
}

export interface InterfaceComparison {
  name: string;
  /** The IID discovery found. */
  iid: string;
  /** The line of its declaration in the header, when it has one. */
  line?: number;
  matches: boolean;
  differences: HeaderDifference[];
  /** What the header cannot show, so was not compared. */
  notCompared: string[];
}

export interface HeaderComparison {
  header: string;
  generator?: string;
  /** True when every interface compared matches, with nothing the parser could not read. */
  matches: boolean;
  interfaces: InterfaceComparison[];
}

/**
 * Compares discovery's view (`eventInterfaces()` of a server, a VM, or both) with the header. Throws
 * ERR_VS_HEADER_UNUSABLE when the header declares none of the discovered interfaces.
 */
export function compareWithHeader(discovered: NativeEventInterface[], header: MidlHeader): HeaderComparison {
  if (!Array.isArray(discovered)) throw invalidArgType('discovered', 'an array (of eventInterfaces())', discovered);
  if (!header || typeof header !== 'object' || !Array.isArray(header.interfaces))
    throw invalidArgType('header', 'a MidlHeader (of readMidlHeader())', header);
  const byName = new Map(header.interfaces.map((item) => [item.name, item]));
  const unique = discovered.filter(
    (item, index) => discovered.findIndex((other) => other.name === item.name) === index,
  );
  if (unique.length > 0 && !unique.some((item) => byName.has(item.name))) throw declaresNone(unique, header);
  const interfaces = unique.map((item) => compareInterface(item, byName.get(item.name), header));
  return {
    header: header.path,
    ...(header.generator ? { generator: header.generator } : {}),
    matches: interfaces.every((item) => item.matches),
    interfaces,
  };
}

function declaresNone(discovered: NativeEventInterface[], header: MidlHeader): Error {
  const names = discovered.map((item) => item.name).join(', ');
  const others = header.interfaces.map((item) => item.name);
  const shown = others.length > 6 ? `${others.slice(0, 6).join(', ')}...` : others.join(', ');
  const unread = header.problems.length > 0 ? `; it has declarations it cannot read (${header.problems[0]})` : '';
  return headerError(
    header.path,
    `declares none of the event interfaces discovered (${names}): it declares ${others.length} other interface${others.length === 1 ? '' : 's'}${others.length > 0 ? ` (${shown})` : ''}${unread}. Virtual Server's header is VSComInterfaces.h in its Documentation folder`,
  );
}

const kindNames: Record<HeaderKind, string> = {
  dispinterface: 'a dispinterface',
  vtable: 'an IUnknown-derived (vtable) interface',
  dual: 'a dual interface (IDispatch-derived, with a vtable)',
};

function discoveredKind(item: NativeEventInterface): string {
  return item.kind === 'dispinterface' ? 'a dispinterface' : 'an IUnknown-derived (vtable) interface';
}

function compareInterface(
  item: NativeEventInterface,
  declared: HeaderInterface | undefined,
  header: MidlHeader,
): InterfaceComparison {
  const differences: HeaderDifference[] = [];
  const notCompared: string[] = [];
  const result = (line?: number): InterfaceComparison => ({
    name: item.name,
    iid: item.iid,
    ...(line === undefined ? {} : { line }),
    matches: differences.length === 0,
    differences,
    notCompared: Array.from(new Set(notCompared)),
  });
  if (!declared) {
    const unread =
      header.problems.length > 0 ? ` (it has declarations it cannot read: ${header.problems.join('; ')})` : '';
    differences.push({ aspect: 'declaration', message: `the header does not declare ${item.name}${unread}` });
    return result();
  }
  for (const problem of declared.problems) {
    differences.push({ aspect: 'unreadable', message: `the header cannot be read here: ${problem}` });
  }
  if (declared.iid === undefined) {
    if (declared.problems.length === 0)
      differences.push({ aspect: 'unreadable', message: 'the header gives no IID for it' });
  } else if (declared.iid !== item.iid.toUpperCase()) {
    differences.push({
      aspect: 'iid',
      header: declared.iid,
      discovered: item.iid,
      message: `IID: ${declared.iid} in the header (${declared.iidFrom.join(', ')}), ${item.iid} discovered`,
    });
  }
  if (!declared.methods) {
    notCompared.push(
      `its kind and methods: the header gives only its IID constant (line ${declared.line}), no C++ declaration`,
    );
    if (declared.kind === 'dispinterface' && item.kind !== 'dispinterface')
      kindDifference(declared.kind, item, differences);
    return result(declared.line);
  }
  if (declared.kind === undefined) return result(declared.line); // its problems say why
  const kindMatches = declared.kind === 'dual' || declared.kind === item.kind;
  if (!kindMatches) kindDifference(declared.kind, item, differences);
  if (declared.kind === 'dispinterface') {
    notCompared.push(
      "its methods, DISPIDs and parameters: a dispinterface's C++ declaration carries only its DIID and the IDispatch base",
    );
    return result(declared.line);
  }
  if (declared.kind === 'dual') notCompared.push('DISPIDs: a C++ header has none');
  compareMethods(declared.methods, item.methods, differences, notCompared);
  return result(declared.line);
}

function kindDifference(kind: HeaderKind, item: NativeEventInterface, differences: HeaderDifference[]): void {
  differences.push({
    aspect: 'kind',
    header: kind,
    discovered: item.kind,
    message: `kind: ${kindNames[kind]} in the header, ${discoveredKind(item)} discovered`,
  });
}

function compareMethods(
  declared: HeaderMethod[],
  discovered: NativeEventMethod[],
  differences: HeaderDifference[],
  notCompared: string[],
): void {
  const matched = new Set<NativeEventMethod>();
  for (const method of declared) {
    const found =
      discovered.find((other) => other.name === method.name) ||
      discovered.find((other) => other.name.toLowerCase() === method.name.toLowerCase());
    const slot = method.vtableSlot === undefined ? '' : `vtable slot ${method.vtableSlot}, `;
    if (!found) {
      differences.push({
        aspect: 'method',
        member: method.name,
        header: method.name,
        message: `${method.name}: in the header (${slot}line ${method.line}), not discovered`,
      });
      continue;
    }
    matched.add(found);
    if (found.name !== method.name) {
      differences.push({
        aspect: 'method',
        member: method.name,
        header: method.name,
        discovered: found.name,
        message: `${method.name}: spelt ${found.name} in discovery`,
      });
    }
    compareSlot(method, found, differences);
    compareParams(method, found, differences, notCompared);
  }
  for (const method of discovered) {
    if (matched.has(method)) continue;
    differences.push({
      aspect: 'method',
      member: method.name,
      discovered: method.name,
      message: `${method.name}: discovered (${where(method)}), not in the header`,
    });
  }
}

function where(method: NativeEventMethod): string {
  return method.vtableSlot < 0 ? `DISPID ${method.dispid}` : `vtable slot ${method.vtableSlot}`;
}

function compareSlot(method: HeaderMethod, found: NativeEventMethod, differences: HeaderDifference[]): void {
  if (method.vtableSlot === undefined || method.vtableSlot === found.vtableSlot) return;
  differences.push({
    aspect: 'vtableSlot',
    member: method.name,
    header: String(method.vtableSlot),
    discovered: found.vtableSlot < 0 ? undefined : String(found.vtableSlot),
    message:
      found.vtableSlot < 0
        ? `${method.name}: vtable slot ${method.vtableSlot} in the header; discovered as a dispinterface method (DISPID ${found.dispid}), with no vtable slot`
        : `${method.name}: vtable slot ${method.vtableSlot} in the header, ${found.vtableSlot} discovered`,
  });
}

function compareParams(
  method: HeaderMethod,
  found: NativeEventMethod,
  differences: HeaderDifference[],
  notCompared: string[],
): void {
  const count = Math.max(method.params.length, found.params.length);
  for (let index = 0; index < count; index++) {
    const declared: HeaderParam | undefined = method.params[index];
    const discovered: NativeEventParam | undefined = found.params[index];
    const member = `${method.name}(${(declared || discovered).name})`;
    const position = `${member}, parameter ${index + 1}`;
    if (!declared || !discovered) {
      const shown = declared ? showHeaderParam(declared) : showDiscoveredParam(discovered);
      differences.push({
        aspect: 'parameter',
        member,
        ...(declared ? { header: shown } : { discovered: shown }),
        message: `${position}: ${shown} ${declared ? 'in the header only' : 'discovered only'} (${plural(method.params.length, 'parameter')} in the header, ${found.params.length} discovered)`,
      });
      continue;
    }
    if (declared.name !== discovered.name) {
      differences.push({
        aspect: 'parameterName',
        member,
        header: declared.name,
        discovered: discovered.name,
        message: `${position}: named ${declared.name} in the header, ${discovered.name} discovered`,
      });
    }
    const types = compareTypes(declared.type, discovered.type);
    if (!types.matches) {
      differences.push({
        aspect: 'parameterType',
        member,
        header: declared.type,
        discovered: discovered.type,
        message: `${position}: type ${declared.type} in the header, ${discovered.type} discovered`,
      });
    } else if (types.unseen) {
      notCompared.push(types.unseen);
    }
    if (declared.direction === undefined) {
      notCompared.push('parameter directions: the header writes no [in]/[out] comments (widl writes none; MIDL does)');
    } else if (declared.direction !== discovered.direction) {
      differences.push({
        aspect: 'direction',
        member,
        header: declared.direction,
        discovered: discovered.direction,
        message: `${position}: [${declared.direction}] in the header, [${discovered.direction}] discovered`,
      });
    }
  }
}

function showHeaderParam(param: HeaderParam): string {
  return `${param.direction ? `[${param.direction}] ` : ''}${param.type} ${param.name}`;
}

function showDiscoveredParam(param: NativeEventParam): string {
  return `[${param.direction}] ${param.type} ${param.name}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
