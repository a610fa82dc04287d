import type pino from 'pino';
import type { HostEvent, HostView } from '../monitor/types.js';
import {
  type Fence,
  FencedError,
  type NewOutboxRow,
  type OutboxStore,
  type QueuedBatch,
} from '../store/index.js';
import type { Clock } from '../util/clock.js';
import type { Dependencies } from './dependencies.js';
import { DispatchFailures } from './dispatch-failures.js';
import { planContext, unknownNotifierPlan } from './dispatch-plan.js';
import { type GroupPlan, planGroup } from './grouping.js';
import { outboxRows } from './outbox-rows.js';
import type { Router } from './routes.js';
import { sendBatch } from './send-batch.js';
import type { SilenceMatcher } from './silences.js';
import type { DispatcherHealth, Notifier, NotifierStatus } from './types.js';

/** Delivery timing, all in ms (from the `grouping` and `delivery` config sections). */
export interface DispatchTiming {
  groupWaitMs: number;
  repeatIntervalMs: number;
  maxListed: number;
  retryInitialMs: number;
  retryMaxMs: number;
  retryDeadlineMs: number;
  attemptTimeoutMs: number;
}

/** What the dispatcher reads about the world (the running monitor and the silences). */
export interface World {
  host(id: string): HostView | undefined;
  /** The silences in force (read from the store before each group is planned). */
  silences(): Promise<SilenceMatcher>;
}

export interface DispatcherDeps {
  /** The durable outbox (`store.outbox`): claimed, fixed, sent and acked through it. */
  store: OutboxStore;
  notifiers: readonly Notifier[];
  router: Router;
  dependencies: Dependencies;
  world: World;
  timing: DispatchTiming;
  clock: Clock;
  logger?: pino.Logger | undefined;
  random?: () => number;
  /**
   * High availability: the fence for the outbox writes, undefined while this monitor is a
   * standby (then the dispatcher claims, sends and writes nothing). Absent: alone, unfenced.
   */
  fence?: () => Fence | undefined;
  /** A fenced outbox write was refused (another monitor took over). */
  onFenced?: (err: FencedError) => void;
}

/** Delivered, suppressed and failed rows are kept this long (for inspection), then pruned. */
const KEEP_FINISHED_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Longest single timer; later wake-ups are re-armed (absolute times, no timer overflow). */
const MAX_SLEEP_MS = 30_000;

/**
 * The outbox dispatcher. Rows enter through {@link Dispatcher.rows}, the pure hook the
 * store runs inside the events' transaction (`store.events.onRecorded`). Each
 * {@link Dispatcher.step} claims due group windows (one plan per notifier, see `planGroup`,
 * fixed in the claim's transaction), queues reminders, and starts at most one send per notifier
 * (its oldest batch: messages arrive in order). Failed sends are retried with jittered
 * exponential backoff until the batch's deadline (`send-batch.ts`); a permanent error marks the batch and
 * the notifier `failed` (later batches are still tried once each, so one bad message
 * cannot block the rest).
 */
export class Dispatcher {
  private readonly notifiers = new Map<string, Notifier>();
  private readonly statuses = new Map<string, NotifierStatus>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly stopController = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private kickPending = false;
  /** Steps run one after the other (a kick during a step runs after it). */
  private serial: Promise<unknown> = Promise.resolve();
  /** The outbox depth as of the last step (the HTTP API and /metrics read it synchronously). */
  private lastDepth = 0;
  private nextPruneAt = 0;
  private running = false;
  private readonly log: pino.Logger | undefined;
  private readonly failures = new DispatchFailures();

  constructor(private readonly deps: DispatcherDeps) {
    for (const n of deps.notifiers) {
      this.notifiers.set(n.name, n);
      this.statuses.set(n.name, {
        name: n.name,
        type: n.type,
        state: 'ok',
        sent: 0,
        failedAttempts: 0,
        failuresByReason: {},
        suppressedByReason: {},
      });
    }
    this.log = deps.logger;
  }

  /**
   * The outbox rows for freshly recorded events: the store calls this inside the
   * transaction that records them (`store.events.onRecorded`), so an event and its
   * notifications are durable together. Pure and synchronous (it reads the monitor's
   * in-memory hosts); the store ignores a repeated (event, notifier).
   */
  rows(events: readonly HostEvent[]): NewOutboxRow[] {
    return outboxRows(events, this.deps.clock.now(), this.deps.router, (id) => this.deps.world.host(id));
  }

  /**
   * The outbox depth as of the last step, plus rows queued since ({@link noteQueued}):
   * the HTTP API and /metrics read it synchronously; every step sets it exactly again.
   */
  depth(): number {
    return this.lastDepth;
  }

  /** Counts rows the events' hook just queued, until the next step recounts. */
  noteQueued(rows: number): void {
    this.lastDepth += rows;
  }

  /** Reads the depth from the store now (start-up, before the first step). */
  async refreshDepth(): Promise<void> {
    this.lastDepth = await this.deps.store.depth();
  }

  /** Runs a step soon (call it after the events' transaction committed). */
  kick(): void {
    if (!this.running || this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      if (this.running) void this.run();
    });
  }

  start(): void {
    this.running = true;
    void this.run();
  }

  /** Stops timers; waits up to `graceMs` for sends in flight, then aborts them (they are retried after restart). */
  async stop(graceMs = 5_000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    const all = Promise.allSettled([...this.inflight.values()]);
    let t: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => {
      t = setTimeout(r, graceMs);
    });
    await Promise.race([all, grace]);
    clearTimeout(t);
    this.stopController.abort();
    await all;
  }

  /** Resolves when no send is in flight (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /**
   * Every notifier's delivery status. While dispatcher steps keep failing nothing is
   * delivered through any notifier, so one that looks `ok` by its own sends says
   * `retrying` with the dispatcher's error instead.
   */
  statusList(): NotifierStatus[] {
    return [...this.statuses.values()].map((s) =>
      this.failures.overlay({
        ...s,
        failuresByReason: { ...s.failuresByReason },
        suppressedByReason: { ...s.suppressedByReason },
      }),
    );
  }

  /** The dispatcher's own failures (see {@link DispatcherHealth}). */
  health(): DispatcherHealth {
    return this.failures.health();
  }

  /** Counts a failure outside a step (recorded events whose outbox rows could not be written). */
  noteError(err: unknown): void {
    this.failures.note(err, this.deps.clock.now());
  }

  notifier(name: string): Notifier | undefined {
    return this.notifiers.get(name);
  }

  /** Records the outcome of a test send in the notifier's status. */
  noteTest(name: string, error?: string): void {
    const st = this.statuses.get(name);
    if (!st) return;
    if (error === undefined) st.state = 'ok';
    else {
      st.lastError = error;
      st.lastErrorAt = this.deps.clock.now();
    }
  }

  /** `null` while a standby (nothing may be written or sent), else the fence (or none). */
  private fence(): Fence | undefined | null {
    const f = this.deps.fence;
    if (f === undefined) return undefined;
    return f() ?? null;
  }

  /** A refused write: stop at once (one line logged), no retry as the active monitor. */
  private fenced(err: FencedError): void {
    this.log?.warn(
      { epoch: err.mine, current: err.current },
      'notify dispatcher: outbox write refused (another monitor is active now); not sending anything more',
    );
    this.deps.onFenced?.(err);
  }

  private async run(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next: number | undefined;
    try {
      next = await this.step();
      this.failures.stepOk();
    } catch (err) {
      this.failures.note(err, this.deps.clock.now(), true);
      this.log?.error(
        { err, failuresInARow: this.failures.inARow },
        'notify dispatcher step failed; retrying in 1s',
      );
      next = this.deps.clock.now() + 1_000;
    }
    this.rearm(next);
  }

  private rearm(next: number | undefined): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer); // a kick's run finished meanwhile
    const delay =
      next === undefined ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, next - this.deps.clock.now()));
    this.timer = setTimeout(() => void this.run(), delay);
    this.timer.unref();
  }

  /**
   * One dispatcher step at the clock's `now` (steps never overlap: a second call waits for
   * the first). Resolves with when it next has something to do (undefined: nothing
   * scheduled). Sends started here complete asynchronously.
   */
  step(): Promise<number | undefined> {
    const p = this.serial.then(() =>
      this.stepOnce().catch((err: unknown) => {
        if (!(err instanceof FencedError)) throw err;
        this.fenced(err); // another monitor is active: this one stops at once
        return undefined;
      }),
    );
    this.serial = p.catch(() => undefined);
    return p;
  }

  private async stepOnce(): Promise<number | undefined> {
    const { store, timing } = this.deps;
    const now = this.deps.clock.now();
    const fence = this.fence();
    if (fence === null) {
      // Standby: the active monitor delivers (this one is kicked on takeover); the depth is
      // still read, so /api/notifiers and /metrics show the shared outbox on every monitor.
      await this.refreshDepth();
      return undefined;
    }
    if (now >= this.nextPruneAt) {
      // Finished rows are history, not state: keep a week for inspection, then drop them.
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      const n = await store.prune(now - KEEP_FINISHED_MS, fence);
      if (n > 0) this.log?.debug({ rows: n }, 'pruned old outbox rows');
    }
    let next: number | undefined;
    const wake = (t: number) => {
      next = next === undefined ? t : Math.min(next, t);
    };

    if (timing.repeatIntervalMs > 0) {
      await store.remindDue(now - timing.repeatIntervalMs, now, [...this.notifiers.keys()], fence);
      const oldest = await store.nextAlertNotified();
      if (oldest !== undefined) wake(oldest + timing.repeatIntervalMs);
    }

    // While a notifier still has a message queued or in flight, its new rows keep
    // accumulating and become one batch when it is free: under load (or during an endpoint
    // outage) messages get bigger instead of more numerous, and order is kept.
    const queued = await store.headTimes();
    for (const [name, first] of await store.firstReady()) {
      if (queued.has(name) || this.inflight.has(name)) continue;
      const due = first + timing.groupWaitMs;
      if (now < due) {
        wake(due);
        continue;
      }
      await this.formBatches(name, now, fence);
      // Rows held back by alert_after may still wait.
      const later = (await store.firstReady()).get(name);
      if (later !== undefined) wake(Math.max(later + timing.groupWaitMs, now + 1));
    }

    for (const [name, at] of await store.headTimes()) {
      if (this.inflight.has(name)) continue;
      if (at > now) {
        wake(at);
        continue;
      }
      const head = await store.head(name);
      const notifier = this.notifiers.get(name);
      if (!head) continue;
      if (!notifier) {
        await store.markFailed(head.batch.id, 'notifier no longer configured', fence);
        wake(now);
        continue;
      }
      const p = this.send(notifier, head)
        .catch((err: unknown) => {
          if (err instanceof FencedError) this.fenced(err);
          else this.failures.note(err, this.deps.clock.now());
        })
        .finally(() => {
          this.inflight.delete(name);
          this.kick();
        });
      this.inflight.set(name, p);
    }
    await this.refreshDepth();
    return next;
  }

  /** Claims the notifier's ready rows and fixes their plan in the claim's transaction. */
  private async formBatches(name: string, now: number, fence: Fence | undefined): Promise<void> {
    const { store, timing, world } = this.deps;
    const silences = this.notifiers.has(name) ? await world.silences() : undefined;
    const made: { plan?: GroupPlan } = {};
    await store.claim(
      name,
      now,
      now + timing.retryDeadlineMs,
      ({ items, open }) => {
        made.plan = silences
          ? planGroup(items, planContext(this.deps, now, open, silences))
          : unknownNotifierPlan(items);
        return made.plan;
      },
      fence,
    );
    const plan = made.plan;
    if (!plan) return;
    if (plan.suppressed.length > 0) {
      const reasons: Record<string, number> = {};
      const total = this.statuses.get(name)?.suppressedByReason;
      for (const s of plan.suppressed) {
        reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
        if (total) total[s.reason] = (total[s.reason] ?? 0) + 1;
      }
      this.log?.info({ notifier: name, suppressed: reasons }, 'notifications suppressed');
    }
  }

  /** One send of the notifier's oldest batch (see {@link sendBatch}); nothing while a standby. */
  private async send(notifier: Notifier, q: QueuedBatch): Promise<void> {
    // Asked again just before sending: a monitor that lost its lease meanwhile sends nothing.
    const fence = this.fence();
    if (fence === null) return;
    await sendBatch(this.deps, {
      notifier,
      batch: q,
      status: this.statuses.get(notifier.name) as NotifierStatus,
      fence,
      stop: this.stopController.signal,
      log: this.log,
    });
  }
}
