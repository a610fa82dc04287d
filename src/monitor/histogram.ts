import type { HistogramSnapshot } from './types.js';

/** Fixed-bucket histogram kept as plain numbers (no allocation per observation). */
export class Histogram {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    let k = 0;
    while (k < this.bounds.length && v > (this.bounds[k] as number)) k++;
    this.counts[k] = (this.counts[k] as number) + 1;
    this.sum += v;
    this.count++;
  }

  snapshot(): HistogramSnapshot {
    return { bounds: [...this.bounds], counts: Array.from(this.counts), sum: this.sum, count: this.count };
  }
}

/** Buckets (ms) for detection lateness: the target is p99 <= 250 ms. */
export const LATENESS_BOUNDS_MS = [10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000];
