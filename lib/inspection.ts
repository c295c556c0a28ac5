// How the public objects look to util.inspect and console.log: their name and the state worth seeing,
// not their insides (the session, COM handles, queued events; never credentials).
import { InspectOptionsStylized, inspect } from 'util';

/** For an object's [inspect.custom](depth, options): e.g. `VirtualMachine { name: 'web01', ... }`. */
export function inspectAs(
  name: string,
  state: Record<string, unknown>,
  depth: number,
  options: InspectOptionsStylized,
): string {
  if (depth < 0) return options.stylize(`[${name}]`, 'special');
  const nested = Object.assign({}, options, {
    depth: options.depth === null || options.depth === undefined ? options.depth : options.depth - 1,
  });
  return `${options.stylize(name, 'special')} ${inspect(state, nested)}`;
}
