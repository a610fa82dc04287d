/**
 * One send of a claimed batch and the bookkeeping of its outcome: marked sent, or retried
 * with jittered exponential backoff until the batch's deadline, or marked failed (a
 * permanent error, or out of time). The {@link Dispatcher}'s step decides what to send and
 * when; this module is what a single attempt does to the outbox and the notifier's status.
 */

import type pino from 'pino';
import { type Fence, FencedError, type OutboxStore, type QueuedBatch } from '../store/index.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { backoffDelay } from './backoff.js';
import { type NotifyError, toNotifyError } from './errors.js';
import type { Notifier, NotifierStatus } from './types.js';

/** The parts of the dispatcher's dependencies a send reads. */
export interface SendDeps {
  store: OutboxStore;
  timing: { retryInitialMs: number; retryMaxMs: number; attemptTimeoutMs: number };
  clock: Clock;
  random?: () => number;
}

/** What one attempt runs with: the dispatcher's stop signal, its logger, the fence to write under. */
export interface SendAttempt {
  notifier: Notifier;
  batch: QueuedBatch;
  /** The notifier's live status, updated in place. */
  status: NotifierStatus;
  fence: Fence | undefined;
  /** Aborted when the dispatcher stops (the send is cut short and retried after restart). */
  stop: AbortSignal;
  log: pino.Logger | undefined;
}

/**
 * Sends the batch once, then marks it sent, to retry or failed. A {@link FencedError}
 * (another monitor is active) is rethrown untouched: nothing more is written.
 */
export async function sendBatch(deps: SendDeps, a: SendAttempt): Promise<void> {
  const { store, timing, clock } = deps;
  const { notifier, batch: q, status: st, fence } = a;
  const attempt = AbortSignal.any([a.stop, AbortSignal.timeout(timing.attemptTimeoutMs)]);
  const started = clock.now();
  try {
    await notifier.send(q.batch, attempt);
    const now = clock.now();
    // Refused (FencedError): sent but not marked, so the new active monitor sends it again
    // with the same batch id: the one at-least-once window (docs/high-availability.md).
    await store.markSent(q.batch.id, now, fence);
    st.sent++;
    st.lastSentAt = now;
    st.state = 'ok';
    a.log?.info(
      { notifier: notifier.name, batch: q.batch.id, kind: q.batch.kind, events: q.batch.events.length },
      `notified ${notifier.name}: ${q.batch.title}`,
    );
  } catch (raw) {
    if (raw instanceof FencedError) throw raw;
    await bookFailure(deps, a, toNotifyError(raw), started);
  }
}

/** A failed attempt: counted in the status, then a retry while the deadline allows, else failed. */
async function bookFailure(deps: SendDeps, a: SendAttempt, err: NotifyError, started: number): Promise<void> {
  const { store, timing, clock } = deps;
  const { notifier, batch: q, status: st, fence } = a;
  const now = clock.now();
  st.failedAttempts++;
  st.failuresByReason[err.reason] = (st.failuresByReason[err.reason] ?? 0) + 1;
  st.lastError = err.message;
  st.lastErrorAt = now;
  const attempts = q.attempts + 1;
  if (err.retryable) {
    const delay = a.stop.aborted
      ? 0
      : backoffDelay(
          attempts,
          { initialMs: timing.retryInitialMs, maxMs: timing.retryMaxMs, retryAfterMs: err.retryAfterMs },
          deps.random,
        );
    if (now + delay <= q.deadlineAt) {
      await store.markRetry(q.batch.id, now + delay, err.message, fence);
      st.state = 'retrying';
      a.log?.warn(
        { notifier: notifier.name, batch: q.batch.id, reason: err.reason, attempts, ms: now - started },
        `notify ${notifier.name} failed (${err.message}); retry in ${formatDuration(delay)}`,
      );
      return;
    }
    const msg = `gave up after ${attempts} attempts over ${formatDuration(now - q.batch.createdAt)}: ${err.message}`;
    await store.markFailed(q.batch.id, msg, fence);
    st.state = 'failed';
    st.lastError = msg;
    a.log?.error(
      { notifier: notifier.name, batch: q.batch.id, reason: err.reason },
      `notify ${notifier.name} ${msg}`,
    );
    return;
  }
  await store.markFailed(q.batch.id, err.message, fence);
  st.state = 'failed';
  a.log?.error(
    { notifier: notifier.name, batch: q.batch.id, reason: err.reason },
    `notify ${notifier.name} failed permanently (${err.message}); fix its config, then run thump notify-test ${notifier.name}`,
  );
}
