/**
 * An in-memory cluster for high-availability unit tests: a fake store implementing the HA
 * ports (lease with the PostgreSQL backend's rules, per-monitor rows, a fenced event log with
 * per-transition idempotency), hand-driven timers per monitor (so a monitor can be paused,
 * like kill -STOP, or killed), and monitors made of a real MonitorCore and HaCoordinator.
 * Time is one shared number moved by {@link Cluster.advance}; nothing here sleeps.
 */
import { MonitorCore } from '../../src/monitor/core.js';
import { HaCoordinator } from '../../src/monitor/ha/coordinator.js';
import type {
  HaLogger,
  HaTimers,
  LeasePort,
  LeaseResult,
  LivenessRow,
  MonitorRowsPort,
  SuspectRow,
} from '../../src/monitor/ha/ports.js';
import { takeoverEvents } from '../../src/monitor/ha/reconcile.js';
import type { RoleTransition } from '../../src/monitor/ha/role.js';
import type { NewEvent } from '../../src/monitor/types.js';
import type { Beat } from '../../src/protocol/types.js';

/** Hand-driven timers: {@link runDue} fires what is due at `now`, in time order. */
export class ManualTimers implements HaTimers {
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly now: () => number) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now() + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }
  /** Fires every timer due by now (also those set by the callbacks, when due). */
  runDue(): number {
    let n = 0;
    for (;;) {
      if (n > 10_000) throw new Error('timers re-armed themselves 10,000 times at one instant (a busy loop)');
      let best: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending)
        if (e[1].at <= this.now() && (best === undefined || e[1].at < best[1].at)) best = e;
      if (best === undefined) return n;
      this.pending.delete(best[0]);
      best[1].fn();
      n++;
    }
  }
  clear(): void {
    this.pending.clear();
  }
}

/** A store failure as the pg client would throw it. */
export class StoreDown extends Error {
  constructor() {
    super('connect ECONNREFUSED 127.0.0.1:5432');
  }
}

export interface RecordedEvent {
  type: string;
  hostId: string;
  at: number;
  recordedAt: number;
  by: string;
  epoch: number;
}

/** The fake store: one lease, per-monitor rows, the event log. */
export class FakeHaStore implements LeasePort, MonitorRowsPort {
  lease: { holder: string; epoch: number; expiresAt: number } | undefined;
  readonly liveness = new Map<string, number>();
  readonly suspectRows = new Map<string, Set<string>>();
  readonly events: RecordedEvent[] = [];
  readonly hostState = new Map<string, 'up' | 'down'>();
  /** Refuse every call (connection refused). */
  down = false;
  /** Leave every call unanswered until {@link unhang}. */
  hung = false;
  private hangs: Array<() => void> = [];
  calls = 0;
  /** Leave only lease calls unanswered (the rows still work). */
  leaseHung = false;
  leaseCalls = 0;
  fencedWrites = 0;

  private async gate(): Promise<void> {
    this.calls++;
    if (this.hung) await new Promise<void>((r) => this.hangs.push(r));
    if (this.down) throw new StoreDown();
  }

  /** Answers the hung calls (with whatever `down` says then). */
  unhang(): void {
    this.hung = false;
    const h = this.hangs;
    this.hangs = [];
    for (const r of h) r();
  }

  async tryAcquireOrRenew(holder: string, ttlMs: number, now: number): Promise<LeaseResult> {
    this.leaseCalls++;
    if (this.leaseHung) await new Promise<void>((r) => this.hangs.push(r));
    await this.gate();
    const l = this.lease;
    if (l !== undefined && l.expiresAt > now && l.holder !== holder) return { held: false, ...l };
    const next =
      l !== undefined && l.expiresAt > now
        ? { holder, epoch: l.epoch, expiresAt: now + ttlMs }
        : { holder, epoch: (l?.epoch ?? 0) + 1, expiresAt: now + ttlMs };
    this.lease = next;
    return { held: true, ...next };
  }

  async release(holder: string, epoch: number): Promise<boolean> {
    await this.gate();
    if (this.lease?.holder !== holder || this.lease.epoch !== epoch) return false;
    this.lease.expiresAt = 0;
    return true;
  }

  async heartbeat(monitorId: string, now: number): Promise<void> {
    await this.gate();
    this.liveness.set(monitorId, now);
  }

  async live(since: number): Promise<LivenessRow[]> {
    await this.gate();
    return [...this.liveness]
      .filter(([, t]) => t >= since)
      .map(([monitorId, seenAt]) => ({ monitorId, seenAt }));
  }

  async addSuspects(monitorId: string, hostIds: readonly string[]): Promise<void> {
    await this.gate();
    let s = this.suspectRows.get(monitorId);
    if (s === undefined) {
      s = new Set();
      this.suspectRows.set(monitorId, s);
    }
    for (const h of hostIds) s.add(h);
  }

  async removeSuspects(monitorId: string, hostIds: readonly string[]): Promise<void> {
    await this.gate();
    const s = this.suspectRows.get(monitorId);
    for (const h of hostIds) s?.delete(h);
  }

  async suspects(monitorId?: string): Promise<SuspectRow[]> {
    await this.gate();
    const out: SuspectRow[] = [];
    for (const [m, s] of this.suspectRows) {
      if (monitorId !== undefined && m !== monitorId) continue;
      for (const hostId of s) out.push({ monitorId: m, hostId });
    }
    return out;
  }

  /**
   * A fenced write of up/down events (synchronous here: the real store's transaction). A
   * `down` is recorded only over a recorded `up` and the reverse (per-transition idempotency).
   */
  record(
    events: readonly { type: string; hostId: string; at: number }[],
    by: string,
    epoch: number,
    now: number,
  ): 'ok' | 'fenced' | 'unreachable' {
    if (this.down || this.hung) return 'unreachable';
    if (this.lease?.epoch !== epoch) {
      this.fencedWrites++;
      return 'fenced';
    }
    for (const e of events) {
      const was = this.hostState.get(e.hostId);
      if (e.type === 'new' && was === undefined) this.hostState.set(e.hostId, 'up');
      else if (e.type === 'down' && was === 'up') this.hostState.set(e.hostId, 'down');
      else if (e.type === 'up' && was === 'down') this.hostState.set(e.hostId, 'up');
      else continue;
      this.events.push({ type: e.type, hostId: e.hostId, at: e.at, recordedAt: now, by, epoch });
    }
    return 'ok';
  }
}

/** Log lines kept for assertions. */
export class MemoryLog implements HaLogger {
  readonly lines: Array<{ level: string; msg: string }> = [];
  info(_o: object, msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(_o: object, msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }
  error(_o: object, msg: string): void {
    this.lines.push({ level: 'error', msg });
  }
  count(level: string): number {
    return this.lines.filter((l) => l.level === level).length;
  }
}

export interface HaTimings {
  leaseTtlMs: number;
  leaseMarginMs: number;
  renewIntervalMs: number;
  publishIntervalMs: number;
  liveWindowMs: number;
}

export const TIMINGS: HaTimings = {
  leaseTtlMs: 3000,
  leaseMarginMs: 500,
  renewIntervalMs: 1000,
  publishIntervalMs: 1000,
  liveWindowMs: 3000,
};

/** One monitor: a real core and coordinator, its own timers and log. */
export class SimMonitor {
  readonly core = new MonitorCore({ partition: { enabled: false, minHosts: 4, silenceIntervals: 2 } });
  readonly timers: ManualTimers;
  readonly log = new MemoryLog();
  readonly coord: HaCoordinator;
  readonly transitions: RoleTransition[] = [];
  paused = false;
  dead = false;
  private reconcile = false;
  private unsaved: NewEvent[] = [];
  /** Local `down` events (recorded or not), host -> count. */
  readonly localDowns = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly cluster: Cluster,
    timings: HaTimings,
  ) {
    this.timers = new ManualTimers(() => cluster.now);
    this.coord = new HaCoordinator({
      monitorId: id,
      lease: cluster.store,
      rows: cluster.store,
      core: this.core,
      clock: { now: () => cluster.now },
      monotonic: () => cluster.now,
      timers: this.timers,
      logger: this.log,
      ...timings,
      onTransition: (t) => {
        this.transitions.push(t);
        if (t.kind === 'became-active') this.reconcile = true;
      },
    });
  }

  /** One step: due timers, the detector tick, recording what the core found (when active). */
  step(now: number): void {
    if (this.dead || this.paused) return;
    this.timers.runDue();
    this.core.tick(now);
    const events = this.core.takeEvents();
    for (const e of events)
      if (e.type === 'down') this.localDowns.set(e.hostId, (this.localDowns.get(e.hostId) ?? 0) + 1);
    const fence = this.coord.fence();
    if (fence === undefined) {
      this.unsaved = []; // a standby records nothing (its view is reconciled on takeover)
      return;
    }
    const store = this.cluster.store;
    if (this.reconcile) {
      const recorded = (id: string) => store.hostState.get(id);
      this.unsaved = [...takeoverEvents(this.core.hosts(), recorded, now), ...this.unsaved];
      this.reconcile = false;
    }
    const batch = [...this.unsaved, ...events];
    if (batch.length === 0) return;
    const r = store.record(batch, this.id, fence.epoch, now);
    // Unreachable: kept, in order, for the next try (the store outage buffer).
    this.unsaved = r === 'unreachable' ? batch : [];
    if (r === 'fenced') this.coord.noteFenced(fence.epoch);
  }

  beat(b: Beat, now: number): void {
    if (this.dead || this.paused) return;
    this.core.beat(b, '127.0.0.1', 4000, now);
  }

  kill(): void {
    this.dead = true;
    this.timers.clear();
  }
}

/** Several monitors on one fake store, one shared time. */
export class Cluster {
  now = 1_700_000_000_000;
  readonly store = new FakeHaStore();
  readonly monitors: SimMonitor[] = [];
  private readonly seqs = new Map<string, number>();

  constructor(n: number, timings: HaTimings = TIMINGS) {
    for (let k = 0; k < n; k++) this.monitors.push(new SimMonitor(`m${k}`, this, timings));
  }

  start(): void {
    for (const m of this.monitors) m.coord.start();
  }

  /** Moves time by `ms` in 10 ms steps, letting every store call settle at each step. */
  async advance(ms: number, each?: (now: number) => void): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + 10);
      each?.(this.now);
      for (const m of this.monitors) {
        m.step(this.now);
        await settle();
        m.step(this.now);
      }
    }
  }

  /** A beat of `hostId` (1 s interval) reaching the monitors `to` (indices). */
  beat(hostId: string, to: readonly number[]): void {
    const seq = (this.seqs.get(hostId) ?? 0) + 1;
    this.seqs.set(hostId, seq);
    const b: Beat = {
      hostId,
      bootId: 'aaaaaaaaaaaaaaaa',
      seq,
      sentAt: this.now,
      intervalMs: 1000,
      goodbye: false,
      uptimeSeconds: seq,
      load: [0, 0, 0],
      memTotalBytes: 0,
      memAvailableBytes: 0,
      diskTotalBytes: 0,
      diskUsedBytes: 0,
      checks: [],
      labels: {},
    };
    for (const k of to) this.monitors[k]?.beat(b, this.now);
  }

  /** Monitors that believe they are active right now. */
  actives(): string[] {
    return this.monitors.filter((m) => !m.dead && !m.paused && m.coord.role === 'active').map((m) => m.id);
  }

  downs(hostId: string): RecordedEvent[] {
    return this.store.events.filter((e) => e.type === 'down' && e.hostId === hostId);
  }
}

/** Lets every promise chain of the fake store run to its end (it never waits on real I/O). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
