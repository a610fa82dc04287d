import { randomBytes } from 'node:crypto';
import { encodeBeat } from '../protocol/encode.js';
import type { Beat, Key } from '../protocol/types.js';
import { type Clock, systemClock } from '../util/clock.js';
import { CheckScheduler } from './check-scheduler.js';
import type { ConfiguredCheck } from './checks/registry.js';
import { STATE_WORDS } from './checks/types.js';
import type { Destination } from './destinations.js';
import { MetricsSampler } from './metrics.js';
import { OnceLog } from './once-log.js';
import { at, type Monotonic, monotonic, nextSlot } from './timer.js';
import { type Lookup, UdpSender } from './udp-sender.js';

/** Where the agent writes its few log lines. */
export interface AgentLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface AgentOptions {
  hostId: string;
  key: Key;
  intervalMs: number;
  /** Each beat leaves up to this much after its slot, so a fleet started together spreads out. */
  jitterMs?: number;
  labels: Record<string, string>;
  destinations: readonly Destination[];
  checks?: readonly ConfiguredCheck[];
  log: AgentLog;
  resolveTtlMs?: number;
  multicastTtl?: number;
  multicastInterface?: string;
  /** Test seams. */
  clock?: Clock;
  now?: Monotonic;
  lookup?: Lookup;
  metrics?: MetricsSampler;
  random?: () => number;
}

/** Default jitter: 10% of the interval, at most one second. */
export function defaultJitter(intervalMs: number): number {
  return Math.min(Math.round(intervalMs / 10), 1000);
}

/**
 * The heartbeat sender: one beat per interval on an absolute schedule (no drift however long
 * each send takes), a fresh random boot id per start, a sequence number per beat, checks run
 * beside it by their own scheduler, and a goodbye beat on {@link stop}.
 */
export class Agent {
  readonly bootId = randomBytes(8).toString('hex');
  private seq = 0;
  private start0 = 0;
  private timer: { cancel(): void } | undefined;
  private running = false;
  private readonly sender: UdpSender;
  private readonly checks: CheckScheduler;
  private readonly metrics: MetricsSampler;
  private readonly now: Monotonic;
  private readonly clock: Clock;
  private inflight = new Set<Promise<void>>();

  constructor(private readonly opts: AgentOptions) {
    this.now = opts.now ?? monotonic;
    this.clock = opts.clock ?? systemClock;
    this.metrics = opts.metrics ?? new MetricsSampler();
    const problems = new OnceLog(opts.log.warn, opts.log.info);
    this.sender = new UdpSender(opts.destinations, {
      problems,
      now: this.now,
      ...(opts.resolveTtlMs !== undefined && { resolveTtlMs: opts.resolveTtlMs }),
      ...(opts.multicastTtl !== undefined && { multicastTtl: opts.multicastTtl }),
      ...(opts.multicastInterface !== undefined && { multicastInterface: opts.multicastInterface }),
      ...(opts.lookup !== undefined && { lookup: opts.lookup }),
    });
    this.checks = new CheckScheduler(opts.checks ?? [], {
      now: this.now,
      onChange: (name, results) => {
        const worst = results.reduce(
          (w, r) => (r.severity === 2 || (r.severity > w && w !== 2) ? r.severity : w),
          0,
        );
        const text = results.map((r) => `${r.id} ${STATE_WORDS[r.severity]}: ${r.text}`).join('; ');
        (worst === 0 ? opts.log.info : opts.log.warn)(`check ${name}: ${text || 'no results'}`);
      },
    });
  }

  /** Sends the first beat now, then one per interval; starts the checks. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.start0 = this.now();
    this.beat(); // first, so spawning check processes cannot delay it
    this.checks.start();
  }

  /** Number of beats sent so far (the next beat's sequence number). */
  get sent(): number {
    return this.seq;
  }

  /**
   * Stops beating and checking, sends one goodbye beat (so the monitor records `left`,
   * not `down`) and closes the sockets. Resolves once the goodbye was handed to the kernel
   * or `graceMs` passed.
   */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timer?.cancel();
    this.checks.stop();
    const goodbye = this.send(true);
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([goodbye, ...this.inflight]),
      new Promise<void>((r) => {
        t = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(t);
    await this.sender.close();
  }

  /** Sends a single beat (no schedule, no checks, no goodbye) and closes the sockets: `--once`. */
  async sendOnce(): Promise<void> {
    await this.metrics.refreshDisk();
    await this.send(false);
    await this.sender.close();
  }

  /** The beat this agent would send now (exported for tests and `--once`). */
  buildBeat(goodbye: boolean): Beat {
    const m = this.metrics.sample();
    return {
      hostId: this.opts.hostId,
      bootId: this.bootId,
      seq: this.seq,
      sentAt: this.clock.now(),
      intervalMs: this.opts.intervalMs,
      goodbye,
      ...m,
      checks: this.checks.results(),
      labels: this.opts.labels,
    };
  }

  private beat(): void {
    if (!this.running) return;
    const p = this.send(false);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    const interval = this.opts.intervalMs;
    const jitter = (this.opts.random ?? Math.random)() * (this.opts.jitterMs ?? defaultJitter(interval));
    this.timer = at(nextSlot(this.start0, interval, this.now()) + jitter, () => this.beat(), this.now);
  }

  private async send(goodbye: boolean): Promise<void> {
    let buf: Buffer;
    try {
      buf = encodeBeat(this.buildBeat(goodbye), this.opts.key);
    } catch (err) {
      this.opts.log.warn(`cannot encode beat: ${(err as Error).message}`);
      return;
    }
    // u32 sequence: wraps after 2^32 beats (136 years at 1 s), the monitor sees a restart.
    this.seq = (this.seq + 1) >>> 0;
    await this.sender.sendAll(buf);
  }
}
