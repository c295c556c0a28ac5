// watchFakes(): the package's own watch() (FarmStream) over fake hosts, so that a script that watches
// a farm is tested on it: one host crashing or hanging while the others go on. Targets are checked as
// watch() checks them, plus `server`, the FakeVirtualServer each stands for.
import type { NativeBinding } from '../binding';
import type { EventsOptions } from '../event-options';
import type { VirtualServerEventType } from '../events';
import { FarmStream, HostEventOf, WatchTarget, parseTargets, targetHost, watchFarmHosts } from '../farm';
import { invalidArgType } from '../validate';
import { FakeVirtualServer } from './host';

export interface FakeWatchTarget extends WatchTarget {
  /** The fake host this target reaches. */
  server: FakeVirtualServer;
}

export function watchFakes<T extends VirtualServerEventType = VirtualServerEventType>(
  targets: readonly FakeWatchTarget[],
  options?: EventsOptions<T>,
): FarmStream<HostEventOf<T>> {
  const parsed = parseTargets(targets, ['server']);
  const hosts = parsed.map(({ name, options: hidden }, index) => {
    const server = targets[index].server as unknown;
    if (!(server instanceof FakeVirtualServer))
      throw invalidArgType(`targets[${index}].server`, 'a FakeVirtualServer', server);
    return targetHost(name, hidden, bindingOf(server));
  });
  return watchFarmHosts<T>(hosts, options);
}

// Made out here, so that the function holds the fake host only, not the targets (credentials) of the call.
function bindingOf(server: FakeVirtualServer): () => NativeBinding {
  return () => server.binding;
}
