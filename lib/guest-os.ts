// GuestOS: a virtual machine's IVMGuestOS (ivmguestos.md), reached through IVMVirtualMachine.GuestOS and
// called late-bound by name: the guest's Additions, heartbeat, name and graceful shutdown.
import { InspectOptionsStylized, inspect } from 'util';
import type { NativeObject, NativeValue } from './binding';
import { Deadline } from './deadline';
import { debug } from './debug';
import { inspectAs } from './inspection';
import type { Session } from './session';
import { expectBoolean, expectNumber, expectObject, expectString, isNativeObject } from './values';
import { WaitOptions, parseWaitOptions } from './virtual-machine';
import { waitForTask } from './vm-task';

/** What heartbeat() reads: IsHeartbeating and HeartbeatPercentage. */
export interface GuestHeartbeat {
  /** IsHeartbeating: the guest appears alive. */
  isHeartbeating: boolean;
  /** HeartbeatPercentage: the percentage (0-100) of expected heartbeats received over the past minute. */
  percentage: number;
}

/**
 * The HRESULTs with which IVMGuestOS says the guest cannot answer: no Additions (or never started with
 * them), the feature missing, the VM not running (or not fully booted, or shutting down).
 */
const guestUnavailable: ReadonlySet<string> = new Set([
  'VM_E_ADDITIONS_NOT_AVAIL',
  'VM_E_ADDITIONS_FEATURE_NOT_AVAIL',
  'VM_E_VM_NOT_RUNNING',
]);

/** True for an error that says the guest's Additions cannot answer now (see guestUnavailable). */
export function isGuestUnavailable(error: unknown): boolean {
  const name =
    error !== null && typeof error === 'object' ? (error as { hresultName?: unknown }).hresultName : undefined;
  return typeof name === 'string' && guestUnavailable.has(name);
}

export class GuestOS {
  /** @internal VirtualMachine makes these; use vm.guestOS(). */
  constructor(
    private readonly session: Session,
    private readonly vmTarget: () => Promise<NativeObject>,
    /** 'virtual machine "web01"' */
    private readonly vmLabel: string,
  ) {}

  /** For messages: 'the guest of virtual machine "web01"'. */
  get label(): string {
    return `the guest of ${this.vmLabel}`;
  }

  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    return inspectAs('GuestOS', { of: this.vmLabel }, depth, options);
  }

  /** CanShutdown: whether the guest can be shut down cleanly (shutdown()). */
  async canShutdown(): Promise<boolean> {
    return expectBoolean(await this.read('CanShutdown'), `CanShutdown of ${this.label}`);
  }

  /** IsHeartbeating: whether the guest appears alive (its Additions send heartbeats). */
  async isHeartbeating(): Promise<boolean> {
    return expectBoolean(await this.read('IsHeartbeating'), `IsHeartbeating of ${this.label}`);
  }

  /** HeartbeatPercentage: the percentage of expected heartbeats received over the past minute. */
  async heartbeatPercentage(): Promise<number> {
    return expectNumber(await this.read('HeartbeatPercentage'), `HeartbeatPercentage of ${this.label}`);
  }

  /** OSName: the full name (with suite) of the guest operating system. */
  async osName(): Promise<string> {
    return expectString(await this.read('OSName'), `OSName of ${this.label}`);
  }

  /** AdditionsVersion: the version of the Additions installed in the guest. */
  async additionsVersion(): Promise<string> {
    return expectString(await this.read('AdditionsVersion'), `AdditionsVersion of ${this.label}`);
  }

  /**
   * IsHeartbeating and HeartbeatPercentage in one go, or null when the guest cannot tell (the VM is not
   * running, not fully booted, or has no Additions: the HRESULTs of isGuestUnavailable()). Other errors reject.
   */
  async heartbeat(): Promise<GuestHeartbeat | null> {
    try {
      return await this.withGuest(async (guest) => ({
        isHeartbeating: expectBoolean(
          await this.session.get(guest, 'IsHeartbeating', `reading IsHeartbeating of ${this.label}`),
          `IsHeartbeating of ${this.label}`,
        ),
        percentage: expectNumber(
          await this.session.get(guest, 'HeartbeatPercentage', `reading HeartbeatPercentage of ${this.label}`),
          `HeartbeatPercentage of ${this.label}`,
        ),
      }));
    } catch (error) {
      if (isGuestUnavailable(error)) return null;
      throw error;
    }
  }

  /**
   * Shutdown: asks the guest operating system to shut down, and resolves when the IVMTask it returns
   * completes (the VM is then off). Takes { timeout?, signal? } as the control methods do. Without
   * Additions Virtual Server refuses (VM_E_ADDITIONS_FEATURE_NOT_AVAIL); nothing else is tried.
   */
  shutdown(options?: WaitOptions): Promise<void> {
    return this.runShutdown(parseWaitOptions(options));
  }

  private async runShutdown({ timeout, signal }: ReturnType<typeof parseWaitOptions>): Promise<void> {
    const what = `shutting down ${this.label}`;
    const deadline = new Deadline(timeout, signal, () => `${what} to complete`);
    try {
      deadline.check();
      const target = await deadline.race(this.vmTarget());
      const guest = expectObject(
        await deadline.race(this.session.get(target, 'GuestOS', `reading the GuestOS of ${this.vmLabel}`)),
        `the GuestOS of ${this.vmLabel}`,
      );
      let task: NativeValue;
      try {
        debug('%s', what);
        task = await deadline.race(this.session.call(guest, 'Shutdown', [], what));
      } finally {
        void this.session.release(guest);
      }
      if (isNativeObject(task)) await waitForTask(this.session, task, what, deadline);
    } finally {
      deadline.dispose();
    }
  }

  private read(property: string): Promise<NativeValue> {
    return this.withGuest((guest) => this.session.get(guest, property, `reading ${property} of ${this.label}`));
  }

  /** The VM's GuestOS object for one use, released after it: a reconnection never leaves a stale one. */
  private async withGuest<T>(use: (guest: NativeObject) => Promise<T>): Promise<T> {
    const target = await this.vmTarget();
    const guest = expectObject(
      await this.session.get(target, 'GuestOS', `reading the GuestOS of ${this.vmLabel}`),
      `the GuestOS of ${this.vmLabel}`,
    );
    try {
      return await use(guest);
    } finally {
      void this.session.release(guest);
    }
  }
}
