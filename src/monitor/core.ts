import type { Beat, CheckResult, RejectReason } from '../protocol/types.js';
import { checkChanges } from './checks.js';
import { type CoreOptions, DEFAULT_CORE_OPTIONS, type DownGate } from './core-options.js';
import { coreStats, hostView, hostViews, restoreHosts } from './core-views.js';
import { DeadlineWheel } from './detector.js';
import { nextFlapping, pushSample } from './flapping.js';
import { Histogram, LATENESS_BOUNDS_MS } from './histogram.js';
import { DOWN, F_DIRTY, F_FLAPPING, F_SILENT_DOWN, HostRegistry, LEFT, UP } from './host-registry.js';
import { HOLD_OVERDUE, networkEventDetails, partitionVerdict, SILENT_DOWN } from './partition-guard.js';
import { phiOnBeat, phiZ } from './phi.js';
import type {
  EventType,
  HistogramSnapshot,
  HostSnapshot,
  HostSource,
  HostView,
  MonitorStats,
  NewEvent,
} from './types.js';

export { type CoreOptions, DEFAULT_CORE_OPTIONS, type DownGate } from './core-options.js';

/**
 * The monitor's rules, free of sockets, files and timers: beats and `now` come in, events
 * come out (collected in {@link takeEvents}). Owns the registry (per-host state), the
 * deadline wheel (flatline detection), replay checks, the host state machine
 * (new/up/down/left/restarted, check raise/clear, flapping) and the partition guard.
 */
export class MonitorCore {
  readonly reg: HostRegistry;
  readonly wheel: DeadlineWheel;
  readonly opts: CoreOptions;
  readonly counters: MonitorStats;
  private readonly lateness = new Histogram(LATENESS_BOUNDS_MS);
  private events: NewEvent[] = [];
  private dirty: number[] = [];
  private lastAnyBeatAt = Number.NEGATIVE_INFINITY;
  private partitionSince = -1;
  private silent: number[] = [];
  /**
   * Hosts whose deadline passed before the partition guard could tell a dead host from a cut
   * network (index -> deadline); empty except between such a deadline and the next beat.
   */
  private readonly overdue = new Map<number, number>();
  /** Hosts the down gate keeps `up` past their deadline (index -> first deadline that passed). */
  private readonly held = new Map<number, number>();
  private gate: DownGate | undefined;
  private readonly onDue = (i: number, deadline: number) => this.deadlinePassed(i, deadline);
  private tickNow = 0;
  /** Phi mode on, and its z (the deadline is mean + z x std), computed once. */
  private readonly phiOn: boolean;
  private readonly phiZ: number;

  constructor(opts: Partial<CoreOptions> = {}) {
    this.opts = { ...DEFAULT_CORE_OPTIONS, ...opts };
    this.phiOn = this.opts.detector === 'phi';
    this.phiZ = this.phiOn ? phiZ(this.opts.phi.threshold) : 0;
    this.reg = new HostRegistry(this.opts.initialCapacity);
    this.wheel = new DeadlineWheel(this.reg.cap, { slotMs: this.opts.slotMs });
    this.reg.onGrow = (n) => this.wheel.grow(n);
    this.counters = {
      packetsTotal: 0,
      beatsTotal: 0,
      rejected: {},
      hostsByState: { up: 0, down: 0, left: 0 },
      eventsByType: {},
    };
  }

  /** True while the partition guard holds per-host `down` events back. */
  get partitioned(): boolean {
    return this.partitionSince >= 0;
  }

  /** Installs (or, with undefined, removes) the {@link DownGate}; without one nothing changes. */
  setDownGate(gate: DownGate | undefined): void {
    this.gate = gate;
  }

  /** Hosts the down gate currently keeps `up` past their deadline. */
  get heldCount(): number {
    return this.held.size;
  }

  /**
   * Asks the down gate about held host `i` again at `at` (earlier than the time it gave):
   * it learned something that may let the host go down. False when `i` is not held.
   */
  recheck(i: number, at: number): boolean {
    if (!this.held.has(i) || this.reg.state[i] !== UP) return false;
    this.wheel.set(i, at);
    return true;
  }

  /** Counts a dropped datagram by reason. */
  reject(reason: RejectReason | 'rate-limited'): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
  }

  private timeoutFor(intervalMs: number): number {
    return this.opts.timeoutMs ?? Math.round(intervalMs * this.opts.timeoutMultiplier);
  }

  private emit(type: EventType, hostId: string, at: number, details: Record<string, unknown>): void {
    this.events.push({ type, hostId, at, details });
    this.counters.eventsByType[type] = (this.counters.eventsByType[type] ?? 0) + 1;
  }

  private markDirty(i: number): void {
    const f = this.reg.flags[i] as number;
    if ((f & F_DIRTY) === 0) {
      this.reg.flags[i] = f | F_DIRTY;
      this.dirty.push(i);
    }
  }

  /**
   * Applies an authenticated beat from `ip`:`port`. Returns the reject reason when it is a
   * replay (same boot id and a sequence number not above the last, or an older boot id
   * sent before the last accepted beat), otherwise undefined.
   */
  beat(b: Beat, ip: string, port: number, now: number): RejectReason | undefined {
    const r = this.reg;
    let i = r.find(b.hostId);
    let restartedFrom: string | undefined;
    if (i >= 0) {
      if (r.sameBoot(i, b.bootId)) {
        if (b.seq <= (r.seq[i] as number)) return this.replay();
      } else {
        if (r.hasBoot(i)) {
          if (b.sentAt < (r.sentAt[i] as number)) return this.replay();
          restartedFrom = r.bootId(i);
        }
        r.setBoot(i, b.bootId);
        r.phiCount[i] = 0; // another boot: the old gaps say nothing about the new one
      }
    } else {
      i = this.addHost(b.hostId, 'agent', now, ip, port);
      r.setBoot(i, b.bootId);
    }
    r.seq[i] = b.seq;
    r.sentAt[i] = b.sentAt;
    r.uptime[i] = b.uptimeSeconds;
    r.load[i * 3] = b.load[0];
    r.load[i * 3 + 1] = b.load[1];
    r.load[i * 3 + 2] = b.load[2];
    r.memTotal[i] = b.memTotalBytes;
    r.memAvail[i] = b.memAvailableBytes;
    r.diskTotal[i] = b.diskTotalBytes;
    r.diskUsed[i] = b.diskUsedBytes;
    if (hasKeys(b.labels)) r.labels.set(i, b.labels);
    else if (r.labels.size > 0) r.labels.delete(i);
    this.accept(i, ip, port, b.intervalMs, b.goodbye, now);
    if (restartedFrom !== undefined) {
      this.emit('restarted', b.hostId, now, {
        previousBootId: restartedFrom,
        bootId: b.bootId,
        uptimeSeconds: b.uptimeSeconds,
      });
    }
    if (b.checks.length > 0 || r.checks.size > 0) this.diffChecks(i, b.checks, now);
    return undefined;
  }

  /** Applies an unauthenticated legacy `Thump!`/`PyHB` datagram: the source IP is the id. */
  legacyBeat(ip: string, port: number, now: number): void {
    let i = this.reg.find(ip);
    if (i < 0) i = this.addHost(ip, 'legacy', now, ip, port);
    this.accept(i, ip, port, this.opts.legacyIntervalMs, false, now);
  }

  private replay(): RejectReason {
    this.reject('replay');
    return 'replay';
  }

  private addHost(id: string, source: HostSource, now: number, ip: string, port: number): number {
    const i = this.reg.add(id, source, now);
    this.dirty.push(i);
    this.emit('new', id, now, { source, address: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` });
    return i;
  }

  /** Common part of every accepted beat: liveness, transitions, deadline. */
  private accept(
    i: number,
    ip: string,
    port: number,
    intervalMs: number,
    goodbye: boolean,
    now: number,
  ): void {
    const r = this.reg;
    this.counters.beatsTotal++;
    this.lastAnyBeatAt = now;
    if (this.partitionSince >= 0) this.endPartition(now);
    if (this.overdue.size > 0) this.releaseOverdue(i, now);
    if (this.held.size > 0) this.held.delete(i);
    r.setAddress(i, ip, port);
    const gap = now - (r.lastBeatAt[i] as number);
    r.lastBeatAt[i] = now;
    const iv = intervalMs > 0 ? intervalMs : 1;
    if (r.intervalMs[i] !== iv) {
      r.intervalMs[i] = iv;
      r.timeoutMs[i] = this.timeoutFor(iv);
      r.phiCount[i] = 0;
    }
    this.markDirty(i);
    const id = r.ids[i] as string;
    const prev = r.state[i] as number;
    if (goodbye) {
      this.wheel.clear(i);
      r.phiCount[i] = 0;
      r.flags[i] = (r.flags[i] as number) & ~F_SILENT_DOWN;
      if (prev !== LEFT) {
        r.setState(i, LEFT, now);
        this.emit('left', id, now, { previous: prev === UP ? 'up' : 'down' });
        this.sample(i, true, now);
      }
      return;
    }
    if (prev !== UP) {
      const silent = ((r.flags[i] as number) & F_SILENT_DOWN) !== 0;
      const since = r.stateSince[i] as number;
      r.flags[i] = (r.flags[i] as number) & ~F_SILENT_DOWN;
      r.setState(i, UP, now);
      if (!silent) {
        this.emit('up', id, now, { previous: prev === DOWN ? 'down' : 'left', afterMs: now - since });
        this.sample(i, true, now);
      }
    } else if (this.opts.flapping.enabled && (r.flapBits[i] as number) !== 0) {
      this.sample(i, false, now);
    }
    // A gap that ended a down (or left) is an outage, not an inter-arrival time: start afresh.
    if (this.phiOn) {
      const fixed = this.timeoutFor(iv);
      r.timeoutMs[i] = phiOnBeat(r, i, iv, prev === UP ? gap : -1, fixed, this.phiZ, this.opts.phi);
    }
    this.wheel.set(i, now + (r.timeoutMs[i] as number));
  }

  /** Records a flapping sample and emits `flapping`/`flapping-stopped` on a change. */
  private sample(i: number, changed: boolean, now: number): void {
    if (!this.opts.flapping.enabled) return;
    const r = this.reg;
    const bits = pushSample(r.flapBits[i] as number, changed);
    r.flapBits[i] = bits;
    const was = ((r.flags[i] as number) & F_FLAPPING) !== 0;
    const is = nextFlapping(was, bits, this.opts.flapping);
    if (is !== was) {
      r.flags[i] = is ? (r.flags[i] as number) | F_FLAPPING : (r.flags[i] as number) & ~F_FLAPPING;
      this.emit(is ? 'flapping' : 'flapping-stopped', r.ids[i] as string, now, {});
    }
  }

  /** Emits a `check` event for every check whose severity changed (see checks.ts). */
  private diffChecks(i: number, cur: CheckResult[], now: number): void {
    const r = this.reg;
    const id = r.ids[i] as string;
    for (const d of checkChanges(r.checks.get(i), cur)) this.emit('check', id, now, d);
    if (cur.length > 0) r.checks.set(i, cur);
    else r.checks.delete(i);
  }

  /** Processes deadlines that passed by `now` (call at least every slot, e.g. 50 ms). */
  tick(now: number): void {
    this.tickNow = now;
    this.wheel.advance(now, this.onDue);
  }

  /** When the next tick is due (wall ms), for the caller's timer. */
  nextTickAt(): number {
    return this.wheel.nextTickAt();
  }

  private deadlinePassed(i: number, due: number): void {
    const r = this.reg;
    if (r.state[i] !== UP) return;
    const now = this.tickNow;
    const held = this.overdue.get(i);
    let deadline = held ?? due;
    if (held !== undefined) this.overdue.delete(i);
    else if (this.gate !== undefined) {
      // Ask before the partition guard: the other monitors' view decides first.
      deadline = this.held.get(i) ?? due;
      const later = this.gate.due(i, r.ids[i] as string, deadline, now);
      if (later !== undefined) {
        this.held.set(i, deadline);
        this.wheel.set(i, later);
        return;
      }
      this.held.delete(i);
    }
    const verdict = partitionVerdict(
      this.opts.partition,
      this.partitionSince >= 0,
      held !== undefined,
      r.counts[UP] as number,
      r.intervalMs[i] as number,
      r.timeoutMs[i] as number,
      now - this.lastAnyBeatAt,
    );
    if (verdict === HOLD_OVERDUE) {
      this.overdue.set(i, deadline);
      this.wheel.set(
        i,
        this.lastAnyBeatAt + this.opts.partition.silenceIntervals * (r.intervalMs[i] as number),
      );
      return;
    }
    this.lateness.observe(Math.max(0, now - deadline));
    if (verdict === SILENT_DOWN) {
      if (this.partitionSince < 0) {
        this.startPartition(now);
        for (const [j, d] of this.overdue) {
          this.wheel.clear(j);
          this.silentDown(j, d);
        }
        this.overdue.clear();
      }
      this.silentDown(i, deadline);
      return;
    }
    this.markDown(i, deadline, now);
  }

  /** Down during a partition: recorded in the registry, no `down` event (see endPartition). */
  private silentDown(i: number, deadline: number): void {
    const r = this.reg;
    r.setState(i, DOWN, deadline);
    r.flags[i] = (r.flags[i] as number) | F_SILENT_DOWN;
    this.silent.push(i);
    this.markDirty(i);
  }

  private markDown(i: number, deadline: number, now: number): void {
    const r = this.reg;
    r.setState(i, DOWN, deadline);
    this.markDirty(i);
    this.emit('down', r.ids[i] as string, deadline, {
      lastBeatAt: r.lastBeatAt[i],
      timeoutMs: r.timeoutMs[i],
      noticedAt: now,
    });
    this.sample(i, true, now);
  }

  /** A beat from host `from` arrived, so the network works: hosts held overdue are down. */
  private releaseOverdue(from: number, now: number): void {
    const r = this.reg;
    for (const [j, deadline] of this.overdue) {
      if (j === from || r.state[j] !== UP) continue;
      this.wheel.clear(j);
      this.lateness.observe(Math.max(0, now - deadline));
      this.markDown(j, deadline, now);
    }
    this.overdue.clear();
  }

  private startPartition(now: number): void {
    this.partitionSince = now;
    this.emit('network', '', now, networkEventDetails(this.reg, now, this.lastAnyBeatAt));
  }

  /**
   * A beat arrived during a partition: the network is back. Hosts marked down silently go
   * back to `up` with a fresh deadline one timeout away; those that still do not beat get
   * their own `down` event then.
   */
  private endPartition(now: number): void {
    const r = this.reg;
    for (const i of this.silent) {
      if (r.state[i] === DOWN && ((r.flags[i] as number) & F_SILENT_DOWN) !== 0) {
        r.flags[i] = (r.flags[i] as number) & ~F_SILENT_DOWN;
        r.setState(i, UP, r.stateSince[i] as number);
        if (this.phiOn) {
          // The partition's gap is not an inter-arrival time: learn again from the next beat.
          r.phiCount[i] = 0;
          r.timeoutMs[i] = this.timeoutFor(r.intervalMs[i] as number);
        }
        this.wheel.set(i, now + (r.timeoutMs[i] as number));
        this.markDirty(i);
      }
    }
    this.emit('network-recovered', '', now, {
      durationMs: now - this.partitionSince,
      hostsMarkedDown: this.silent.length,
    });
    this.partitionSince = -1;
    this.silent = [];
  }

  /**
   * Loads hosts saved by an earlier run. Nothing is announced; hosts that were up get a
   * start-up grace: none is called down before one timeout from `now` has passed.
   */
  restore(hosts: Iterable<HostSnapshot>, now: number): void {
    restoreHosts(this.reg, this.wheel, hosts, now, (iv) => this.timeoutFor(iv), this.phiOn);
  }

  /** Events produced since the last call, oldest first. */
  takeEvents(): NewEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Indices of hosts changed since the last call (clears their dirty mark); at most `max`. */
  takeDirty(max = Number.POSITIVE_INFINITY): number[] {
    const n = Math.min(max, this.dirty.length);
    const out = this.dirty.slice(0, n);
    this.dirty = n === this.dirty.length ? [] : this.dirty.slice(n);
    for (const i of out) this.reg.flags[i] = (this.reg.flags[i] as number) & ~F_DIRTY;
    return out;
  }

  /** Marks hosts changed again (a flush that failed). */
  requeueDirty(idx: readonly number[]): void {
    for (const i of idx) this.markDirty(i);
  }

  /** Number of hosts waiting to be flushed. */
  get dirtyCount(): number {
    return this.dirty.length;
  }

  /** The API view of host `i`. */
  view(i: number): HostView {
    return hostView(this.reg, i);
  }

  hosts(): HostView[] {
    return hostViews(this.reg);
  }

  host(id: string): HostView | undefined {
    const i = this.reg.find(id);
    return i < 0 ? undefined : hostView(this.reg, i);
  }

  stats(): MonitorStats {
    return coreStats(this.counters, this.reg);
  }

  detectionLateness(): HistogramSnapshot {
    return this.lateness.snapshot();
  }
}

function hasKeys(o: Record<string, string>): boolean {
  for (const _ in o) return true;
  return false;
}
