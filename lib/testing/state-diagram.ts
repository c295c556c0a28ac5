// The documented state diagram of a virtual machine (virtual-machine-state-diagram.md) as the simulator
// follows it (test/simulator/README.md): for each control method, the states it may start from, the
// states it fires, where the VM ends, and the HRESULT it refuses with otherwise. Which control methods
// there are, and which return an IVMTask, is lib/control-methods.ts.
import { ComControlMethod, ControlRow, controlOfMethod } from '../control-methods';
import { VMState } from '../events';
import type { FakeHresultName } from './native-errors';

export type ControlMethod = ComControlMethod;

/** What an accepted call does: the states fired one after another, and the state the VM is left in. */
export interface Sequence {
  states: VMState[];
  /** Save fires TurnedOff last, yet State reads Saved afterwards (ivmvirtualmachine-save.md). */
  final: VMState;
  /** The method returns an IVMTask: `returnsTask` of its row in lib/control-methods.ts. */
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
  const outcome = planStates(method, state, busy);
  if (isRefusal(outcome)) return outcome;
  return { ...outcome, returnsTask: (controlOfMethod(method) as ControlRow).returnsTask };
}

function planStates(method: ControlMethod, state: VMState, busy: boolean): Omit<Sequence, 'returnsTask'> | Refusal {
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
      if (state === S.Saved) return sequence([S.TurningOn, S.Restoring, S.Running]);
      if (state === S.TurnedOff) return sequence([S.TurningOn, S.Running]);
      return { hresultName: 'VM_E_VM_RUNNING', reason: 'is already running' };
    case 'TurnOff':
      return on ? sequence(shutdownSequence.slice()) : notRunning();
    case 'Save':
      return on ? sequence([S.Saving, S.TurningOff, S.DeleteMachine, S.TurnedOff], S.Saved) : notRunning();
    case 'Reset':
      if (state === S.Running) return sequence([S.TurningOff, S.DeleteMachine, S.TurningOn, S.Running]);
      if (state === S.Paused) return { hresultName: 'VM_E_VM_PAUSED', reason: 'is paused: Resume it before Reset' };
      return notRunning();
    case 'Pause':
      if (state === S.Running) return sequence([S.Paused]);
      if (state === S.Paused) return { hresultName: 'E_FAIL', reason: 'is already paused' };
      return notRunning();
    case 'Resume':
      if (state === S.Paused) return sequence([S.Running]);
      return { hresultName: 'E_FAIL', reason: 'is not paused' };
  }
}

/** The states fired, and the state left in (the last fired, but for Save). */
function sequence(states: VMState[], final = states[states.length - 1]): Omit<Sequence, 'returnsTask'> {
  return { states, final };
}

function notRunning(): Refusal {
  return { hresultName: 'VM_E_VM_NOT_RUNNING', reason: 'is not running' };
}

export function isRefusal<S extends object>(outcome: S | Refusal): outcome is Refusal {
  return 'hresultName' in outcome;
}
