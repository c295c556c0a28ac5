// The documented state diagram of a virtual machine (virtual-machine-state-diagram.md) as the simulator
// follows it (test/simulator/README.md): for each control method, the states it may start from, the
// states it fires, where the VM ends, and the HRESULT it refuses with otherwise.
import { VMState } from '../events';
import type { FakeHresultName } from './native-errors';

export type ControlMethod = 'Startup' | 'TurnOff' | 'Save' | 'Reset' | 'Pause' | 'Resume';
export const controlMethods: readonly ControlMethod[] = ['Startup', 'TurnOff', 'Save', 'Reset', 'Pause', 'Resume'];

/** What an accepted call does: the states fired one after another, and the state the VM is left in. */
export interface Sequence {
  states: VMState[];
  /** Save fires TurnedOff last, yet State reads Saved afterwards (ivmvirtualmachine-save.md). */
  final: VMState;
  /** Startup, TurnOff, Save and Reset return an IVMTask; Pause and Resume return nothing. */
  returnsTask: boolean;
}

export interface Refusal {
  hresultName: FakeHresultName;
  /** The server's description, after the VM's name. */
  reason: string;
}

const S = VMState;
/** OnRequestShutdown allowed on a running VM: the guest shuts down as TurnOff would. */
export const shutdownSequence: readonly VMState[] = [S.TurningOff, S.DeleteMachine, S.TurnedOff];

/** The sequence `method` starts from `state`, or why it is refused. `busy`: a sequence is in progress. */
export function plan(method: ControlMethod, state: VMState, busy: boolean): Sequence | Refusal {
  if (busy) {
    // Startup (the only call allowed from TurnedOff) finds the VM on; every other call finds it not running.
    return {
      hresultName: method === 'Startup' ? 'VM_E_VM_RUNNING' : 'VM_E_VM_NOT_RUNNING',
      reason: 'is changing state: wait for the current task or its last OnStateChange',
    };
  }
  const on = state === S.Running || state === S.Paused;
  switch (method) {
    case 'Startup':
      if (state === S.Saved) return task([S.TurningOn, S.Restoring, S.Running]);
      if (state === S.TurnedOff) return task([S.TurningOn, S.Running]);
      return { hresultName: 'VM_E_VM_RUNNING', reason: 'is already running' };
    case 'TurnOff':
      return on ? task(shutdownSequence.slice()) : notRunning();
    case 'Save':
      return on ? task([S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved) : notRunning();
    case 'Reset':
      if (state === S.Running) return task([S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]);
      if (state === S.Paused) return { hresultName: 'VM_E_VM_PAUSED', reason: 'is paused: Resume it before Reset' };
      return notRunning();
    case 'Pause':
      if (state === S.Running) return { states: [S.Paused], final: S.Paused, returnsTask: false };
      if (state === S.Paused) return { hresultName: 'E_FAIL', reason: 'is already paused' };
      return notRunning();
    case 'Resume':
      if (state === S.Paused) return { states: [S.Running], final: S.Running, returnsTask: false };
      return { hresultName: 'E_FAIL', reason: 'is not paused' };
  }
}

function task(states: VMState[], final = states[states.length - 1]): Sequence {
  return { states, final, returnsTask: true };
}

function notRunning(): Refusal {
  return { hresultName: 'VM_E_VM_NOT_RUNNING', reason: 'is not running' };
}

export function isRefusal(outcome: Sequence | Refusal): outcome is Refusal {
  return 'hresultName' in outcome;
}
