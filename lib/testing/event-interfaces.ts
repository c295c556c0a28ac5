// What discovery finds on the fake's objects: IVMVirtualMachineEvents and IVMVirtualServerEvents in
// either of the two forms the package must handle (the simulator's two builds): dispinterfaces, or
// custom vtable interfaces whose OnRequestShutdown has the [out] isAllowed parameter the docs' remarks
// mention. Microsoft never published the IIDs, DISPIDs or vtable order: these are the fake's own.
import type { NativeEventInterface, NativeEventMethod, NativeEventParam } from '../binding';
import { REQUEST_SHUTDOWN_ANSWER } from '../events';

export type EventInterfaceKind = NativeEventInterface['kind'];

const VT_I4 = 3;
const VT_BSTR = 8;
const VT_BOOL = 11;
const VT_VARIANT = 12;
/** Slots 0..2 of a custom interface are IUnknown's. */
const FIRST_SLOT = 3;
/** What discovery reports as the slot of a dispinterface method, which has none. */
const NO_SLOT = -1;

type Signature = [name: string, params: NativeEventParam[]];

const inParam = (name: string, vt: number, type: string): NativeEventParam => ({ name, vt, type, direction: 'in' });
const state = inParam('virtualMachineState', VT_I4, 'VMVMState');
const vmName = inParam('virtualMachineConfig', VT_BSTR, 'BSTR');
const messageId = inParam('logMessageID', VT_I4, 'long');

function vmSignatures(kind: EventInterfaceKind): Signature[] {
  const answer: NativeEventParam[] =
    kind === 'vtable' ? [{ name: REQUEST_SHUTDOWN_ANSWER, vt: VT_BOOL, type: 'VARIANT_BOOL*', direction: 'out' }] : [];
  return [
    ['OnStateChange', [state]],
    ['OnHeartbeatStopped', []],
    ['OnRequestShutdown', answer],
    ['OnReset', []],
    ['OnTripleFault', []],
    ['OnConfigurationChanged', [inParam('configKey', VT_BSTR, 'BSTR'), inParam('configData', VT_VARIANT, 'VARIANT')]],
  ];
}

const serverSignatures: Signature[] = [
  ['OnVMStateChange', [vmName, state]],
  ['OnHeartbeatStopped', [vmName]],
  ['OnEventLogged', [messageId]],
  ['OnServiceEvent', [messageId]],
];

function describe(name: string, iid: string, kind: EventInterfaceKind, signatures: Signature[]): NativeEventInterface {
  const methods: NativeEventMethod[] = signatures.map(([method, params], index) => ({
    name: method,
    dispid: index + 1,
    vtableSlot: kind === 'vtable' ? FIRST_SLOT + index : NO_SLOT,
    params,
  }));
  return { name, iid, kind, methods };
}

export function virtualMachineEvents(kind: EventInterfaceKind): NativeEventInterface {
  return describe('IVMVirtualMachineEvents', '{6B2A4E10-5C1D-4F3B-9E7A-FA4E00000001}', kind, vmSignatures(kind));
}

export function virtualServerEvents(kind: EventInterfaceKind): NativeEventInterface {
  return describe('IVMVirtualServerEvents', '{6B2A4E10-5C1D-4F3B-9E7A-FA4E00000002}', kind, serverSignatures);
}
