import type { LeaseResult } from './ports.js';

/** Whether this monitor acts (records events, sends notifications) or only watches. */
export type HaRole = 'active' | 'standby';

/** Why an active monitor stopped acting. */
export type StepDownReason =
  /** Its lease was not renewed before its local deadline (store slow or unreachable, or a pause). */
  | 'lease-expired'
  /** The store says someone else holds the lease (or a later epoch of it). */
  | 'lease-lost'
  /** A fenced write was refused: another monitor took over. */
  | 'fenced'
  /** stop(): the lease was given up on purpose. */
  | 'stopped';

/** A change of role, for the log and `thump_ha_takeovers_total`. */
export type RoleTransition =
  | { kind: 'became-active'; epoch: number; at: number }
  | { kind: 'stepped-down'; epoch: number; reason: StepDownReason; at: number };

export interface RoleOptions {
  monitorId: string;
  /** Lease length asked of the store. */
  ttlMs: number;
  /**
   * Stop acting this long before the lease would end, counted from the renew request: covers
   * the monitors' clock skew (the store compares their wall clocks) and the time a write in
   * flight needs to reach the store.
   */
  marginMs: number;
}

/**
 * The role state machine, pure: lease results and errors come in with the monotonic time
 * their request was SENT, and the role, the epoch and the local deadline come out. The
 * local deadline (`sentAt + ttl - margin`) is what an active monitor trusts: the store may
 * have granted the lease later than the request left, never earlier, so counting from the
 * request is safe; and a process paused past that deadline (kill -STOP, a frozen VM) sees
 * it passed on the monotonic clock the moment it runs again, before it does anything else,
 * so it never acts on a lease that a standby may already have taken over.
 */
export class RoleTracker {
  private activeEpoch = 0;
  private until = Number.NEGATIVE_INFINITY;
  private lastEpoch = 0;
  private lastHolder = '';
  private active = false;

  constructor(private readonly opts: RoleOptions) {}

  /** The role at monotonic time `mono` (active only before the local deadline). */
  role(mono: number): HaRole {
    return this.active && mono < this.until ? 'active' : 'standby';
  }

  /** The epoch to fence writes with, only while active at `mono`; undefined otherwise. */
  fence(mono: number): number | undefined {
    return this.role(mono) === 'active' ? this.activeEpoch : undefined;
  }

  /** The last epoch the store reported (0 before any answer). */
  get epoch(): number {
    return this.lastEpoch;
  }

  /** The last holder the store reported (`''` before any answer). */
  get leader(): string {
    return this.lastHolder;
  }

  /** The local deadline of an active monitor (monotonic ms), -Infinity when standby. */
  get deadline(): number {
    return this.active ? this.until : Number.NEGATIVE_INFINITY;
  }

  /** Steps down when the local deadline passed by `mono`. Call before acting and on a timer. */
  check(mono: number): RoleTransition[] {
    if (this.active && mono >= this.until) return [this.stepDown('lease-expired', mono)];
    return [];
  }

  /** A lease call sent at `sentAt` answered `r`; `mono` is now. */
  onResult(sentAt: number, r: LeaseResult, mono: number): RoleTransition[] {
    this.lastEpoch = r.epoch;
    this.lastHolder = r.holder;
    const out = this.check(mono);
    const mine = r.held && r.holder === this.opts.monitorId;
    const until = sentAt + this.opts.ttlMs - this.opts.marginMs;
    if (!mine) {
      if (this.active) out.push(this.stepDown('lease-lost', mono));
      return out;
    }
    if (this.active && r.epoch !== this.activeEpoch) {
      // Renewed at another epoch: the lease lapsed and was taken again (maybe by someone else
      // in between), so whatever this monitor knew as active must be learned again.
      out.push(this.stepDown('lease-lost', mono));
    }
    if (mono >= until) return out; // the answer came too late to act on (a pause in between)
    if (!this.active) {
      this.active = true;
      this.activeEpoch = r.epoch;
      out.push({ kind: 'became-active', epoch: r.epoch, at: mono });
    }
    if (until > this.until) this.until = until;
    return out;
  }

  /** A lease call failed (store unreachable, timeout): only the local deadline can end the role. */
  onError(mono: number): RoleTransition[] {
    return this.check(mono);
  }

  /** A fenced write of epoch `epoch` was refused: another monitor took over. */
  onFenced(epoch: number, mono: number): RoleTransition[] {
    if (this.active && epoch === this.activeEpoch) return [this.stepDown('fenced', mono)];
    return [];
  }

  /** Gives up the role on purpose (stop()). */
  release(mono: number): RoleTransition[] {
    return this.active ? [this.stepDown('stopped', mono)] : [];
  }

  private stepDown(reason: StepDownReason, mono: number): RoleTransition {
    this.active = false;
    this.until = Number.NEGATIVE_INFINITY;
    return { kind: 'stepped-down', epoch: this.activeEpoch, reason, at: mono };
  }
}
