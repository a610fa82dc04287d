import type { Clock } from '../../util/clock.js';
import type { MonitorCore } from '../core.js';
import { UP } from '../host-registry.js';
import { ClusterDownGate } from './down-gate.js';
import { type HaLogger, type HaTimers, type LeasePort, type MonitorRowsPort, nodeTimers } from './ports.js';
import { type HaRole, RoleTracker, type RoleTransition } from './role.js';
import { type SuspectBatch, SuspectTracker } from './suspects.js';

export interface HaCoordinatorOptions {
  monitorId: string;
  lease: LeasePort;
  rows: MonitorRowsPort;
  /** The local core: the coordinator installs its down gate and reads its registry. */
  core: MonitorCore;
  /** The monitor's clock (the core's `now`, and the times written to the store). */
  clock: Clock;
  /** Monotonic ms for the local lease deadline (default `performance.now`). */
  monotonic?: () => number;
  timers?: HaTimers;
  logger: HaLogger;
  leaseTtlMs: number;
  leaseMarginMs: number;
  renewIntervalMs: number;
  publishIntervalMs: number;
  liveWindowMs: number;
  /** Most suspect rows written per publish (default 10,000). */
  maxSuspectRows?: number;
  /** Rows per store call within a publish (default 1,000). */
  chunkRows?: number;
  /** Facts published in the liveness row (version, address...). */
  info?: Record<string, unknown>;
  /** A store call unanswered this long counts as failed (default: the lease ttl). */
  callTimeoutMs?: number;
  /** A still-unreachable store is logged again after this long (default 5 min). */
  errorRepeatMs?: number;
  /** Every role change (after it is logged), for metrics and the wiring. */
  onTransition?: (t: RoleTransition) => void;
  /**
   * The store became unreachable (`up: false`, once per outage, with the first error) or
   * reachable again (`up: true`): the wiring sends the store self-alerts from here.
   */
  onStoreState?: (up: boolean, detail: string) => void;
}

/**
 * The high-availability loop of one monitor: renews (or tries to take) the lease every
 * `renewIntervalMs`, and every `publishIntervalMs` (sooner when a host's deadline passes
 * here) publishes its liveness and suspect changes, reads every monitor's liveness and
 * suspects and feeds the down gate. The role is re-checked on the monotonic clock whenever
 * it is read and on a timer at the local deadline, so a slow or dead store, or a pause,
 * ends the active role by itself. Store errors never stop the loop; one error is logged
 * per outage. Timers start in {@link start}, never in the constructor.
 */
export class HaCoordinator {
  readonly monitorId: string;
  private readonly roleT: RoleTracker;
  private readonly gate: ClusterDownGate;
  private readonly tracker: SuspectTracker;
  private readonly mono: () => number;
  private readonly timers: HaTimers;
  private running = false;
  private leaseTimer: unknown;
  private syncTimer: unknown;
  private deadlineTimer: unknown;
  private syncing: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;
  private syncAgain = false;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  /**
   * Failing calls per kind (the lease and the rows can fail apart). An outage runs from the
   * first kind failing to the last one recovering, and is logged once (plus a reminder).
   */
  private readonly outages = new Map<string, { since: number; failures: number; loggedAt: number }>();
  private takeoverCount = 0;
  private firstAnswer: Promise<void> | undefined;

  constructor(private readonly opts: HaCoordinatorOptions) {
    this.monitorId = opts.monitorId;
    this.mono = opts.monotonic ?? (() => performance.now());
    this.timers = opts.timers ?? nodeTimers;
    this.roleT = new RoleTracker({
      monitorId: opts.monitorId,
      ttlMs: opts.leaseTtlMs,
      marginMs: opts.leaseMarginMs,
    });
    this.tracker = new SuspectTracker(opts.core.reg, opts.maxSuspectRows ?? 10_000);
    this.gate = new ClusterDownGate({
      monitorId: opts.monitorId,
      holdMs: opts.publishIntervalMs,
      liveWindowMs: opts.liveWindowMs,
      onDue: (i) => {
        if (this.tracker.noteDue(i)) this.requestSync();
      },
    });
  }

  /** `active` only while the lease is held and its local deadline has not passed. */
  get role(): HaRole {
    const m = this.mono();
    this.apply(this.roleT.check(m));
    return this.roleT.role(m);
  }

  /** The epoch to fence shared writes with, undefined unless active right now. */
  fence(): { epoch: number } | undefined {
    const m = this.mono();
    this.apply(this.roleT.check(m));
    const e = this.roleT.fence(m);
    return e === undefined ? undefined : { epoch: e };
  }

  /** The lease epoch last reported by the store. */
  get epoch(): number {
    return this.roleT.epoch;
  }

  /** The monitor holding the lease, as last reported by the store (`''` before any answer). */
  get leader(): string {
    return this.roleT.leader;
  }

  /** Times this monitor became active. */
  get takeovers(): number {
    return this.takeoverCount;
  }

  /** False while the store is failing (from the first failure to the next success). */
  get storeUp(): boolean {
    return this.outages.size === 0;
  }

  /** Hosts the down gate keeps `up` because another live monitor still hears them. */
  get held(): number {
    return this.opts.core.heldCount;
  }

  /** Local suspects (hosts not heard here past their deadline). */
  get suspects(): number {
    return this.tracker.size;
  }

  /** A fenced write with `epoch` was refused (FencedError): another monitor took over. */
  noteFenced(epoch: number): void {
    this.apply(this.roleT.onFenced(epoch, this.mono()));
  }

  /** Installs the down gate, takes the core's down hosts as suspects, starts both loops. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.core.setDownGate(this.gate);
    this.tracker.seed();
    this.leaseTick();
    this.firstAnswer = this.renewing;
    this.syncTick();
  }

  /**
   * Resolves once the first lease call answered or failed (bounded by the call timeout):
   * the monitor binds its receiver after it, so a lone monitor (SQLite) is active from its
   * first datagram on.
   */
  async ready(): Promise<void> {
    await this.firstAnswer;
  }

  /**
   * Stops the loops and, when active, gives the lease up so a standby takes over at once.
   * The down gate stays installed (its view ages out: alone, it lets hosts go down).
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timers.clearTimeout(this.leaseTimer);
    this.timers.clearTimeout(this.syncTimer);
    this.timers.clearTimeout(this.deadlineTimer);
    // Calls in flight end (or time out) before the lease is given up; never wait forever.
    await this.bounded(Promise.allSettled([this.renewing, this.syncing]));
    const epoch = this.roleT.fence(this.mono());
    this.apply(this.roleT.release(this.mono()));
    if (epoch !== undefined) {
      try {
        await this.opts.lease.release(this.monitorId, epoch);
      } catch (err) {
        this.opts.logger.warn({ err: errText(err) }, 'HA: could not give the lease up; it expires by itself');
      }
    }
  }

  private leaseTick(): void {
    if (!this.running) return;
    const started = this.mono();
    this.renewing = this.renew().finally(() => {
      this.renewing = undefined;
      if (!this.running) return;
      const wait = Math.max(0, started + this.opts.renewIntervalMs - this.mono());
      this.leaseTimer = this.timers.setTimeout(() => this.leaseTick(), wait);
    });
  }

  private async renew(): Promise<void> {
    const sentAt = this.mono();
    try {
      const now = this.opts.clock.now();
      const r = await this.bounded(
        this.opts.lease.tryAcquireOrRenew(this.monitorId, this.opts.leaseTtlMs, now),
      );
      this.apply(this.roleT.onResult(sentAt, r, this.mono()));
      this.storeOk('lease renewal');
    } catch (err) {
      this.apply(this.roleT.onError(this.mono()));
      this.storeFailed('lease renewal', err);
    }
  }

  /** Publishes soon (a host's deadline just passed here), at most every tenth of an interval. */
  private requestSync(): void {
    if (!this.running) return;
    if (this.syncing !== undefined) {
      this.syncAgain = true;
      return;
    }
    this.timers.clearTimeout(this.syncTimer);
    const gap = this.opts.publishIntervalMs / 10;
    const wait = Math.max(0, this.lastSyncAt + gap - this.mono());
    this.syncTimer = this.timers.setTimeout(() => this.syncTick(), wait);
  }

  private syncTick(): void {
    if (!this.running || this.syncing !== undefined) return;
    this.timers.clearTimeout(this.syncTimer);
    const started = this.mono();
    this.lastSyncAt = started;
    this.syncing = this.sync().finally(() => {
      this.syncing = undefined;
      if (!this.running) return;
      const again = this.syncAgain;
      this.syncAgain = false;
      if (again) this.requestSync();
      else {
        // A host held moments ago: the others' suspect rows for it are probably being written
        // now, so look again in a quarter interval (bounds the added delay by ~1 interval).
        const every = this.gate.heldRecently(this.opts.clock.now())
          ? this.opts.publishIntervalMs / 4
          : this.opts.publishIntervalMs;
        const wait = Math.max(0, started + every - this.mono());
        this.syncTimer = this.timers.setTimeout(() => this.syncTick(), wait);
      }
    });
  }

  private async sync(): Promise<void> {
    try {
      await this.bounded(this.syncOnce());
      this.storeOk('publishing suspects');
    } catch (err) {
      this.storeFailed('publishing suspects', err);
    }
  }

  /**
   * This monitor's suspect changes, then its liveness row, then everyone's view into the
   * gate. Liveness comes last so that it vouches for the suspects: a monitor whose suspect
   * writes fail stops being live after the live window instead of vetoing (or letting go)
   * with stale rows.
   */
  private async syncOnce(): Promise<void> {
    const { rows, core } = this.opts;
    const id = this.monitorId;
    const now = this.opts.clock.now();
    if (!this.tracker.ready) this.tracker.setPublished((await rows.suspects(id)).map((s) => s.hostId));
    await this.publish(this.tracker.next(), now);
    await rows.heartbeat(id, now, { ...this.opts.info, role: this.role, epoch: this.epoch });
    const [live, suspects] = await Promise.all([rows.live(now - this.opts.liveWindowMs), rows.suspects()]);
    this.gate.update({ live, suspects });
    const others = suspects.filter((r) => r.monitorId !== id).map((r) => r.hostId);
    if (this.tracker.setUnknown(others) > 0) this.syncAgain = true; // publish them soon
    const at = this.opts.clock.now();
    const isHeld = (i: number) => this.tracker.isSuspect(i) && core.reg.state[i] === UP;
    for (const i of this.gate.releasable(at, isHeld)) core.recheck(i, at);
  }

  /** `p`, or a rejection once it took longer than the call timeout (a black-holed store). */
  private bounded<T>(p: Promise<T>): Promise<T> {
    const ms = this.opts.callTimeoutMs ?? this.opts.leaseTtlMs;
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.timers.setTimeout(() => reject(new Error(`no answer from the store within ${ms} ms`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => this.timers.clearTimeout(timer));
  }

  /** Writes one batch in chunks; each chunk is acknowledged as it lands. */
  private async publish(batch: SuspectBatch, now: number): Promise<void> {
    const n = this.opts.chunkRows ?? 1000;
    for (let k = 0; k < batch.remove.length; k += n) {
      const part = batch.remove.slice(k, k + n);
      await this.opts.rows.removeSuspects(this.monitorId, part);
      this.tracker.ack({ add: [], remove: part });
    }
    for (let k = 0; k < batch.add.length; k += n) {
      const part = batch.add.slice(k, k + n);
      await this.opts.rows.addSuspects(this.monitorId, part, now);
      this.tracker.ack({ add: part, remove: [] });
    }
  }

  private apply(ts: RoleTransition[]): void {
    for (const t of ts) {
      const log = this.opts.logger;
      if (t.kind === 'became-active') {
        this.takeoverCount++;
        log.info(
          { monitorId: this.monitorId, epoch: t.epoch },
          `HA: ${this.monitorId} is now the active monitor (lease epoch ${t.epoch})`,
        );
      } else {
        log.warn(
          { monitorId: this.monitorId, epoch: t.epoch, reason: t.reason },
          `HA: ${this.monitorId} stepped down from lease epoch ${t.epoch} (${t.reason}); standby now`,
        );
      }
      this.opts.onTransition?.(t);
    }
    this.armDeadline();
  }

  /** A timer at the local lease deadline, so an active monitor stops even if the store hangs. */
  private armDeadline(): void {
    this.timers.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const d = this.roleT.deadline;
    if (!this.running || !Number.isFinite(d)) return;
    this.deadlineTimer = this.timers.setTimeout(
      () => this.apply(this.roleT.check(this.mono())),
      Math.max(0, d - this.mono()),
    );
  }

  private storeOk(what: string): void {
    const o = this.outages.get(what);
    if (o === undefined) return;
    this.outages.delete(what);
    if (this.outages.size > 0) return; // the other kind still fails: the outage goes on
    this.opts.onStoreState?.(true, `after ${fmtS(this.mono() - o.since)}`);
    this.opts.logger.info(
      { failures: o.failures, downForMs: Math.round(this.mono() - o.since) },
      `HA: store reachable again after ${fmtS(this.mono() - o.since)} (${o.failures} failed calls)`,
    );
  }

  private storeFailed(what: string, err: unknown): void {
    const m = this.mono();
    const o = this.outages.get(what);
    if (o === undefined) {
      const ongoing = this.outages.size > 0;
      this.outages.set(what, { since: m, failures: 1, loggedAt: m });
      if (ongoing) return; // already reported as one outage
      const d = this.roleT.deadline;
      const role = Number.isFinite(d)
        ? `active: stepping down in ${fmtS(d - m)} unless a renewal succeeds`
        : 'standby: will not take over until it is back';
      this.opts.logger.error(
        { err: errText(err), op: what },
        `HA: store unreachable (${what}: ${errText(err)}); ${role}; detection goes on in memory`,
      );
      this.opts.onStoreState?.(false, `${what}: ${errText(err)}`);
      return;
    }
    o.failures++;
    if (m - o.loggedAt >= (this.opts.errorRepeatMs ?? 300_000)) {
      o.loggedAt = m;
      this.opts.logger.error(
        { err: errText(err), op: what, failures: o.failures },
        `HA: store still unreachable after ${fmtS(m - o.since)} (${o.failures} failed calls; last: ${errText(err)})`,
      );
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fmtS(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}
