// The control methods of a virtual machine (IVMVirtualMachine), one row each: the one table that
// VirtualMachine (lib/virtual-machine.ts), the CLI's commands (lib/cli/) and the fake's state diagram
// (lib/testing/state-diagram.ts) read. A new control method is a row here, its method on VirtualMachine,
// and its sequence in the state diagram.

export interface ControlRow {
  /** The IVMVirtualMachine method, called late-bound by this name. */
  readonly method: string;
  /** The vsevents command that calls it. */
  readonly command: string;
  /** What it does, for messages: "pausing virtual machine "web01"". */
  readonly doing: string;
  /** It returns an IVMTask (polled to completion by lib/vm-task.ts); the others are done when they return. */
  readonly returnsTask: boolean;
}

/** By VirtualMachine method name, in the order the CLI lists the commands. */
export const controlMethods = {
  startup: { method: 'Startup', command: 'start', doing: 'starting', returnsTask: true },
  turnOff: { method: 'TurnOff', command: 'stop', doing: 'turning off', returnsTask: true },
  save: { method: 'Save', command: 'save', doing: 'saving', returnsTask: true },
  pause: { method: 'Pause', command: 'pause', doing: 'pausing', returnsTask: false },
  resume: { method: 'Resume', command: 'resume', doing: 'resuming', returnsTask: false },
  reset: { method: 'Reset', command: 'reset', doing: 'resetting', returnsTask: true },
} as const;

type Controls = typeof controlMethods;
/** A VirtualMachine control method: 'startup', 'turnOff', ... */
export type ControlName = keyof Controls;
/** Its IVMVirtualMachine name: 'Startup', 'TurnOff', ... */
export type ComControlMethod = Controls[ControlName]['method'];
/** Its vsevents command: 'start', 'stop', ... */
export type ControlCommand = Controls[ControlName]['command'];

export const controlNames = Object.keys(controlMethods) as ControlName[];

/** The row of an IVMVirtualMachine method name, if it is a control method. */
export function controlOfMethod(method: string): ControlRow | undefined {
  return controlNames.map((name) => controlMethods[name]).find((row) => row.method === method);
}

/** The VirtualMachine method a vsevents control command calls. */
export function controlOfCommand(command: ControlCommand): ControlName {
  return controlNames.find((name) => controlMethods[name].command === command) as ControlName;
}
