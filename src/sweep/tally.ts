/**
 * Pure running totals of a sweep round and its end-of-run summary line: ok, failed by
 * class, rate. Fed one result at a time by whoever collects results.
 */
import { formatDuration } from '../util/duration.js';
import type { SweepErrorClass, SweepResult } from './types.js';

export interface SweepSummary {
  total: number;
  ok: number;
  failed: number;
  byClass: Partial<Record<SweepErrorClass, number>>;
  durationMs: number;
  /** Hosts answered per second over the whole round. */
  rate: number;
}

export class SweepTally {
  ok = 0;
  failed = 0;
  readonly byClass: Partial<Record<SweepErrorClass, number>> = {};

  add(r: SweepResult): void {
    if (r.status === 'ok') this.ok++;
    else {
      this.failed++;
      this.byClass[r.errorClass] = (this.byClass[r.errorClass] ?? 0) + 1;
    }
  }

  get done(): number {
    return this.ok + this.failed;
  }

  summary(durationMs: number): SweepSummary {
    const total = this.done;
    return {
      total,
      ok: this.ok,
      failed: this.failed,
      byClass: { ...this.byClass },
      durationMs,
      rate: durationMs > 0 ? (total * 1000) / durationMs : 0,
    };
  }
}

/** `500 hosts in 4s (125.0/s): 497 ok, 3 failed (2 refused, 1 timeout)` */
export function formatSummary(s: SweepSummary): string {
  const classes = Object.entries(s.byClass)
    .sort((a, b) => (b[1] as number) - (a[1] as number) || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${n} ${c}`)
    .join(', ');
  const failed = s.failed > 0 ? `, ${s.failed} failed (${classes})` : ', 0 failed';
  return `${s.total} host${s.total === 1 ? '' : 's'} in ${formatDuration(s.durationMs)} (${s.rate.toFixed(1)}/s): ${s.ok} ok${failed}`;
}
