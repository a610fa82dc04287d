/** Node's setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); re-arm below that. */
const MAX_DELAY = 0x7fffffff;

/** Monotonic milliseconds (immune to wall-clock steps), the time base of every agent schedule. */
export type Monotonic = () => number;
export const monotonic: Monotonic = () => performance.now();

/**
 * A one-shot timer for an absolute monotonic deadline. Long deadlines are re-armed in
 * chunks, so nothing overflows; `cancel()` is idempotent. Timers are unref'd only when asked.
 */
export function at(deadline: number, fn: () => void, now: Monotonic = monotonic): { cancel(): void } {
  let t: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    const left = deadline - now();
    if (left <= 0) {
      t = undefined;
      fn();
      return;
    }
    t = setTimeout(arm, Math.min(left, MAX_DELAY));
  };
  arm();
  return {
    cancel() {
      if (cancelled) return;
      cancelled = true;
      if (t !== undefined) clearTimeout(t);
    },
  };
}

/**
 * The next slot of an absolute schedule `start + k * interval` strictly after `now`. Slots
 * missed while the process was stalled (suspend, a blocked loop) are skipped, not replayed,
 * and the schedule never drifts by the time each run takes. Pure.
 */
export function nextSlot(start: number, interval: number, now: number): number {
  if (now < start) return start;
  const k = Math.floor((now - start) / interval) + 1;
  return start + k * interval;
}
