// watchFakes(): the package's own watch() (FarmStream) over fake hosts, so that a script that watches
// a farm is tested on it: one host crashing or hanging while the others go on. Targets are checked as
// watch() checks them, plus `server`, the FakeVirtualServer each stands for.
import type { EventsOptions } from '../event-options';
import type { VirtualServerEventType } from '../events';
import { FarmStream, HostEventOf, WatchTarget, parseTargets, watchHosts } from '../farm';
import { invalidArgType } from '../validate';
import { connectWith } from '../virtual-server';
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
    return {
      name,
      connect: () => {
        const { native, probe } = hidden.reveal();
        return connectWith(server.binding, native, probe);
      },
    };
  });
  return watchHosts<T>(hosts, options);
}
