import type { DispatcherHealth, NotifierStatus } from './types.js';

/** An error's message cut to a length fit for a status field (a huge pattern must not echo back whole). */
function errorMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

/**
 * The dispatcher's own failures: steps that threw (in a row and in total) and events whose
 * outbox rows could not be queued. A failing step delivers nothing through any notifier, so
 * {@link DispatchFailures.overlay} makes an `ok` notifier status say `retrying` with the error.
 */
export class DispatchFailures {
  private readonly h: DispatcherHealth = { errorsTotal: 0, consecutiveFailures: 0 };

  /** Counts a failure (`step`: a dispatcher step, which also counts in the in-a-row figure). */
  note(err: unknown, at: number, step = false): void {
    this.h.errorsTotal++;
    if (step) this.h.consecutiveFailures++;
    this.h.lastError = { at, message: errorMessage(err) };
  }

  /** A step succeeded. */
  stepOk(): void {
    this.h.consecutiveFailures = 0;
  }

  get inARow(): number {
    return this.h.consecutiveFailures;
  }

  health(): DispatcherHealth {
    return { ...this.h, ...(this.h.lastError ? { lastError: { ...this.h.lastError } } : {}) };
  }

  /** `s` as a reader should see it while steps keep failing. */
  overlay(s: NotifierStatus): NotifierStatus {
    const stuck = this.h.consecutiveFailures > 0 ? this.h.lastError : undefined;
    if (!stuck || s.state !== 'ok') return s;
    return {
      ...s,
      state: 'retrying',
      lastError: `notify dispatcher failing (${this.h.consecutiveFailures} steps in a row): ${stuck.message}`,
      lastErrorAt: stuck.at,
    };
  }
}
