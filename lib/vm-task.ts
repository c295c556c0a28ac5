// Waiting for an IVMTask (ivmtask.md) without blocking anything: the task's IsComplete is polled with a
// growing interval instead of calling WaitForCompletion, which would hold the connection's COM thread.
import type { NativeObject } from './binding';
import type { Deadline } from './deadline';
import { ErrorCodes, VirtualServerError } from './errors';
import type { Session } from './session';
import { expectNumber } from './values';

/** VMTaskResult (vmtaskresult.md). */
export enum VMTaskResult {
  Success = 0,
  Cancelled = 1,
  UnexpectedError = 2,
  OutOfMemoryError = 3,
  DiskRelatedError = 4,
  IncompatibleSavedStateError = 5,
  TimeOutError = 6,
  IllegalValueError = 7,
  ThreadCrashError = 8,
}

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

/** Resolves when the task is complete and succeeded; rejects ERR_VS_TASK_FAILED with its result otherwise. */
export async function waitForTask(
  session: Session,
  task: NativeObject,
  what: string,
  deadline: Deadline,
): Promise<void> {
  try {
    let interval = FIRST_POLL_MS;
    while (!(await deadline.race(session.get(task, 'IsComplete', `${what}: reading IVMTask.IsComplete`)))) {
      await deadline.sleep(interval);
      interval = Math.min(interval * 2, MAX_POLL_MS);
    }
    const result = expectNumber(
      await deadline.race(session.get(task, 'Result', `${what}: reading IVMTask.Result`)),
      `${what}: IVMTask.Result`,
    );
    if (result !== (VMTaskResult.Success as number))
      throw await deadline.race(taskFailure(session, task, what, result));
  } finally {
    void session.release(task);
  }
}

/** The error for a failed task, with IVMTask2's Error and ErrorDescription where the host has them. */
async function taskFailure(
  session: Session,
  task: NativeObject,
  what: string,
  result: number,
): Promise<VirtualServerError> {
  const resultName = VMTaskResult[result] !== undefined ? VMTaskResult[result] : `result ${result}`;
  let hresult: number | undefined;
  let description = '';
  try {
    hresult = expectNumber(await session.get(task, 'Error', 'IVMTask2.Error'), 'IVMTask2.Error');
    const text = await session.get(task, 'ErrorDescription', 'IVMTask2.ErrorDescription');
    if (typeof text === 'string' && text) description = `: ${text}`;
  } catch {
    // IVMTask (before IVMTask2) has neither property; the result alone says what happened.
  }
  return new VirtualServerError(
    ErrorCodes.TASK_FAILED,
    `${what} failed: Virtual Server reported the task as ${resultName}${description}`,
    {
      hresult: hresult === 0 ? undefined : hresult,
    },
  );
}
