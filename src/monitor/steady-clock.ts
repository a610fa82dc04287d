import type { Clock } from '../util/clock.js';

/**
 * Wall-clock milliseconds that never jump for small corrections: time advances with the
 * monotonic clock and is steered towards the system clock at most 1 % of elapsed time
 * (10 ms per second), like ntpd's slewing. Deadlines (3 x a 1 s interval) therefore move
 * by at most a few tens of ms when NTP corrects the clock, instead of every host looking
 * overdue (or alive too long) after a step. A discrepancy above `stepMs` (default 60 s,
 * e.g. a clock fixed long after boot) is taken at once: beats carry the agents' wall clock,
 * and the codec's freshness window must keep comparing like with like.
 */
export class SteadyClock implements Clock {
  private offset: number;
  private last: number;

  constructor(
    private readonly wall: () => number = Date.now,
    private readonly mono: () => number = () => performance.now(),
    private readonly stepMs = 60_000,
  ) {
    this.last = this.mono();
    this.offset = this.wall() - this.last;
  }

  now(): number {
    const m = this.mono();
    const elapsed = m - this.last;
    this.last = m;
    const diff = this.wall() - (m + this.offset);
    if (Math.abs(diff) > this.stepMs) {
      this.offset += diff;
    } else {
      const max = elapsed * 0.01;
      this.offset += Math.max(-max, Math.min(max, diff));
    }
    return Math.round(m + this.offset);
  }
}
