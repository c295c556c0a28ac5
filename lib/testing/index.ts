// virtual-server-events/testing: an in-memory Virtual Server behind the package's real classes, for
// testing scripts on any OS without Windows or Wine. Named exports one by one (no export *), so that
// Node's ESM loader detects them in the CommonJS output: `import { FakeVirtualServer } from '.../testing'`.
export { FakeVirtualServer } from './host';
export type { FakeVirtualServerOptions, VirtualMachineDefinition, VirtualMachineStatus, ShutdownOutcome } from './host';
export { watchFakes } from './farm';
export type { FakeWatchTarget } from './farm';
export type { ReplayOptions, ReplayResult } from './replay';
export type { EventInterfaceKind } from './event-interfaces';
// What a test of a script needs beside the fake, so that one import does.
export { VMState, VirtualServerError, ErrorCodes } from '../index';
