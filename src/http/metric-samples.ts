import type { HistogramSnapshot } from '../monitor/types.js';

/** One exposition sample: labels, value, and the series name when it differs from the metric's. */
export interface Sample {
  labels?: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A metric whose samples are read from plain numbers at scrape time. The monitor and the
 * notify pipeline keep cheap counters on their hot paths and no prom-client objects; this
 * adapter is what turns them into exposition lines.
 */
export class SnapshotMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => Sample[] | Promise<Sample[]>,
  ) {}
  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: await this.read(),
    };
  }
  reset(): void {}
}

/** Turns a fixed-bucket snapshot in milliseconds into cumulative Prometheus histogram samples in seconds. */
export function histogramSamples(name: string, h: HistogramSnapshot, scale = 1 / 1000): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  h.bounds.forEach((b, i) => {
    cumulative += h.counts[i] ?? 0;
    out.push({
      metricName: `${name}_bucket`,
      labels: { le: Number((b * scale).toPrecision(12)) },
      value: cumulative,
    });
  });
  out.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: h.count });
  out.push({ metricName: `${name}_sum`, value: h.sum * scale });
  out.push({ metricName: `${name}_count`, value: h.count });
  return out;
}

/** Registers one scrape-time metric (see {@link SnapshotMetric}). */
export type AddMetric = (
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  read: () => Sample[] | Promise<Sample[]>,
) => void;
