import type pino from 'pino';
import type { HostEvent, HostView } from '../monitor/types.js';
import type { OutboxStore, QueuedBatch } from '../store/outbox.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { backoffDelay } from './backoff.js';
import type { Dependencies } from './dependencies.js';
import { DispatchFailures } from './dispatch-failures.js';
import { toNotifyError } from './errors.js';
import { type OutboxItem, type PlanContext, planGroup } from './grouping.js';
import type { Router } from './routes.js';
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
  silences(): SilenceMatcher;
}

export interface DispatcherDeps {
  store: OutboxStore;
  notifiers: readonly Notifier[];
  router: Router;
  dependencies: Dependencies;
  world: World;
  timing: DispatchTiming;
  clock: Clock;
  logger?: pino.Logger | undefined;
  random?: () => number;
}

/** Delivered, suppressed and failed rows are kept this long (for inspection), then pruned. */
const KEEP_FINISHED_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** A host's own `alert_after=N` agent label (a whole number), overriding routes and defaults. */
function alertAfterLabel(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,4}$/.test(v) ? Number(v) : undefined;
}

/** Longest single timer; later wake-ups are re-armed (absolute times, no timer overflow). */
const MAX_SLEEP_MS = 30_000;

/**
 * The outbox dispatcher. Rows enter with {@link Dispatcher.enqueue} inside the events'
 * transaction. Each {@link Dispatcher.step} closes due group windows (one plan per
 * notifier, see `planGroup`), queues reminders, and starts at most one send per notifier
 * (its oldest batch: messages arrive in order). Failed sends are retried with jittered
 * exponential backoff until the batch's deadline; a permanent error marks the batch and
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
   * Queues outbox rows for freshly recorded events. Must run inside the transaction that
   * records them (an `onEventsRecorded` hook), so an event and its notifications are
   * durable together. Idempotent per (event, notifier).
   */
  enqueue(events: readonly HostEvent[]): void {
    const now = this.deps.clock.now();
    let max = 0;
    for (const e of events) {
      max = Math.max(max, e.id);
      const host = e.hostId === '' ? undefined : this.deps.world.host(e.hostId);
      const perHost = alertAfterLabel(host?.labels.alert_after);
      for (const t of this.deps.router.targets(e, host?.labels ?? {})) {
        let readyAt = now;
        const alertAfter = perHost ?? t.alertAfter;
        if (e.type === 'down' && alertAfter > 0 && host) {
          // Soft state: page only once N intervals passed since the last beat.
          readyAt = Math.max(now, host.lastBeatAt + alertAfter * host.intervalMs);
        }
        this.deps.store.enqueue(e, t.notifier, 0, now, readyAt);
      }
    }
    if (max > 0) this.deps.store.setCursor(max);
    this.kick();
  }

  /** Runs a step soon (after the current transaction commits). */
  kick(): void {
    if (!this.running || this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      if (this.running) this.run();
    });
  }

  start(): void {
    this.running = true;
    this.run();
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

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next: number | undefined;
    try {
      next = this.step();
      this.failures.stepOk();
    } catch (err) {
      this.failures.note(err, this.deps.clock.now(), true);
      this.log?.error(
        { err, failuresInARow: this.failures.inARow },
        'notify dispatcher step failed; retrying in 1s',
      );
      next = this.deps.clock.now() + 1_000;
    }
    if (!this.running) return;
    const delay =
      next === undefined ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, next - this.deps.clock.now()));
    this.timer = setTimeout(() => this.run(), delay);
    this.timer.unref();
  }

  /**
   * One dispatcher step at the clock's `now`. Returns when it next has something to do
   * (undefined: nothing scheduled). Sends started here complete asynchronously.
   */
  step(): number | undefined {
    const { store, timing } = this.deps;
    const now = this.deps.clock.now();
    if (now >= this.nextPruneAt) {
      // Finished rows are history, not state: keep a week for inspection, then drop them.
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      const n = store.prune(now - KEEP_FINISHED_MS);
      if (n > 0) this.log?.debug({ rows: n }, 'pruned old outbox rows');
    }
    let next: number | undefined;
    const wake = (t: number) => {
      next = next === undefined ? t : Math.min(next, t);
    };

    if (timing.repeatIntervalMs > 0) {
      store.transaction(() => {
        for (const a of store.alertsDue(now - timing.repeatIntervalMs)) {
          if (this.notifiers.has(a.notifier)) store.remind(a, now);
        }
      });
      const oldest = store.nextAlertNotified();
      if (oldest !== undefined) wake(oldest + timing.repeatIntervalMs);
    }

    // While a notifier still has a message queued or in flight, its new rows keep
    // accumulating and become one batch when it is free: under load (or during an endpoint
    // outage) messages get bigger instead of more numerous, and order is kept.
    const queued = store.headTimes();
    for (const [name, first] of store.firstReady()) {
      if (queued.has(name) || this.inflight.has(name)) continue;
      const due = first + timing.groupWaitMs;
      if (now < due) {
        wake(due);
        continue;
      }
      const items = store.pending(name, now);
      if (!this.notifiers.has(name)) {
        store.transaction(() => {
          for (const i of items) store.suppress(i.rowId, 'unknown-notifier');
        });
        continue;
      }
      this.formBatches(name, items, now);
      // Rows held back by alert_after may still wait.
      const later = store.firstReady().get(name);
      if (later !== undefined) wake(Math.max(later + timing.groupWaitMs, now + 1));
    }

    for (const [name, at] of store.headTimes()) {
      if (this.inflight.has(name)) continue;
      if (at > now) {
        wake(at);
        continue;
      }
      const head = store.head(name);
      const notifier = this.notifiers.get(name);
      if (!head) continue;
      if (!notifier) {
        store.markFailed(head.batch.id, 'notifier no longer configured');
        wake(now);
        continue;
      }
      const p = this.send(notifier, head).finally(() => {
        this.inflight.delete(name);
        this.kick();
      });
      this.inflight.set(name, p);
    }
    return next;
  }

  private formBatches(name: string, items: OutboxItem[], now: number): void {
    if (items.length === 0) return;
    const { store, timing, world, dependencies } = this.deps;
    const silences = world.silences();
    const ctx: PlanContext = {
      now,
      maxListed: timing.maxListed,
      silenced: (hostId, at) => {
        const s = silences.find(hostId, at);
        return s ? `silence ${s.id}${s.comment ? `: ${s.comment}` : ''}` : undefined;
      },
      host: (id) => world.host(id),
      stillFailing: (hostId, key) => {
        if (key === 'network') return true;
        const h = world.host(hostId);
        if (!h) return false;
        if (key === 'down') return h.state === 'down';
        const checkId = key.slice('check:'.length);
        return h.checks.some((c) => c.id === checkId && c.severity > 0);
      },
      parentOf: (hostId, labels) => dependencies.parentOf(hostId, labels),
      isOpen: (hostId, key) => store.isOpen(name, hostId, key),
    };
    const plan = planGroup(items, ctx);
    store.transaction(() => {
      for (const s of plan.suppressed)
        store.suppress(s.rowId, s.detail ? `${s.reason}: ${s.detail}` : s.reason);
      // Closes first: a problem resolved and raised again within one group ends open.
      for (const c of plan.close) store.closeAlert(name, c.hostId, c.key);
      for (const a of plan.open) store.openAlert(name, a.hostId, a.key, a.eventId, now);
      for (const r of plan.rewrites) store.rewriteEvent(r.rowId, r.event);
      for (const b of plan.batches) {
        store.addBatch(name, b.kind, b.title, b.text, b.rowIds, now, now + timing.retryDeadlineMs);
      }
    });
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

  private async send(notifier: Notifier, q: QueuedBatch): Promise<void> {
    const { store, timing, clock } = this.deps;
    const st = this.statuses.get(notifier.name) as NotifierStatus;
    const attempt = AbortSignal.any([
      this.stopController.signal,
      AbortSignal.timeout(timing.attemptTimeoutMs),
    ]);
    const started = clock.now();
    try {
      await notifier.send(q.batch, attempt);
      const now = clock.now();
      store.markSent(q.batch.id, now);
      st.sent++;
      st.lastSentAt = now;
      st.state = 'ok';
      this.log?.info(
        { notifier: notifier.name, batch: q.batch.id, kind: q.batch.kind, events: q.batch.events.length },
        `notified ${notifier.name}: ${q.batch.title}`,
      );
    } catch (raw) {
      const err = toNotifyError(raw);
      const now = clock.now();
      st.failedAttempts++;
      st.failuresByReason[err.reason] = (st.failuresByReason[err.reason] ?? 0) + 1;
      st.lastError = err.message;
      st.lastErrorAt = now;
      const attempts = q.attempts + 1;
      if (err.retryable) {
        const delay = this.stopController.signal.aborted
          ? 0
          : backoffDelay(
              attempts,
              { initialMs: timing.retryInitialMs, maxMs: timing.retryMaxMs, retryAfterMs: err.retryAfterMs },
              this.deps.random,
            );
        if (now + delay <= q.deadlineAt) {
          store.markRetry(q.batch.id, now + delay, err.message);
          st.state = 'retrying';
          this.log?.warn(
            { notifier: notifier.name, batch: q.batch.id, reason: err.reason, attempts, ms: now - started },
            `notify ${notifier.name} failed (${err.message}); retry in ${formatDuration(delay)}`,
          );
          return;
        }
        const msg = `gave up after ${attempts} attempts over ${formatDuration(now - q.batch.createdAt)}: ${err.message}`;
        store.markFailed(q.batch.id, msg);
        st.state = 'failed';
        st.lastError = msg;
        this.log?.error(
          { notifier: notifier.name, batch: q.batch.id, reason: err.reason },
          `notify ${notifier.name} ${msg}`,
        );
        return;
      }
      store.markFailed(q.batch.id, err.message);
      st.state = 'failed';
      this.log?.error(
        { notifier: notifier.name, batch: q.batch.id, reason: err.reason },
        `notify ${notifier.name} failed permanently (${err.message}); fix its config, then run thump notify-test ${notifier.name}`,
      );
    }
  }
}
