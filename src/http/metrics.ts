import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { EVENT_TYPES, type HistogramSnapshot, HOST_STATES, type MonitorView } from '../monitor/types.js';
import type { NotifyView } from '../notify/types.js';
import { REJECT_REASONS, type RejectReason } from '../protocol/types.js';
import type { Db } from '../store/db.js';
import { sweptHosts } from './swept-hosts.js';

interface Sample {
  labels?: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** Rejection reasons always exported (at 0 until seen) so dashboards and alerts find them. */
const EXPORTED_REJECT_REASONS: readonly (RejectReason | 'rate-limited')[] = [
  ...REJECT_REASONS,
  'rate-limited',
];

/**
 * A metric whose samples are read from plain numbers at scrape time. The monitor and the
 * notify pipeline keep cheap counters on their hot paths and no prom-client objects; this
 * adapter is what turns them into exposition lines.
 */
class SnapshotMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => Sample[],
  ) {}
  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.read(),
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

/** Extra live numbers the HTTP layer itself owns (SSE clients, sweep results). */
export interface MetricsExtras {
  sseClients(): number;
  lastSweep?(): { byClass: Record<string, number>; durationSeconds: number; finishedAt: number } | undefined;
  /** The monitor's database: swept (agentless) hosts recorded there count in `thump_hosts`. */
  db?: Db;
}

/** States a swept host can be in (its last probe answered or not). */
const SWEPT_STATES = ['up', 'down'] as const;

/**
 * Builds the registry behind `GET /metrics`: monitor counters, notifier counters, outbox
 * depth, sweep results when available, and prom-client's default process metrics.
 */
export function buildMetricsRegistry(
  monitor: MonitorView,
  notify: NotifyView | undefined,
  extras: MetricsExtras,
): Registry {
  const reg = new Registry();
  const add = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', read: () => Sample[]) =>
    reg.registerMetric(new SnapshotMetric(name, help, type, read) as unknown as Metric<string>);

  // Per (state, source): agent hosts from the monitor, swept hosts from the db, merged as
  // /api/hosts and /api/summary merge them (agent data wins on a shared id). Both host gauges
  // read it: counted once per scrape (1 s), so the sweep query runs once, not twice.
  type HostCount = { state: string; source: 'agent' | 'sweep'; value: number };
  let counted: { at: number; rows: HostCount[] } | undefined;
  const hostCounts = (): HostCount[] => {
    const t = Date.now();
    if (counted !== undefined && t - counted.at < 1000) return counted.rows;
    const s = monitor.stats().hostsByState;
    const rows: HostCount[] = HOST_STATES.map((state) => ({ state, source: 'agent', value: s[state] ?? 0 }));
    const db = extras.db;
    if (db !== undefined) {
      const swept = { up: 0, down: 0 };
      for (const h of sweptHosts(db, (id) => monitor.host(id) !== undefined)) {
        if (h.state === 'up' || h.state === 'down') swept[h.state]++;
      }
      for (const state of SWEPT_STATES) rows.push({ state, source: 'sweep', value: swept[state] });
    }
    counted = { at: t, rows };
    return rows;
  };
  add(
    'thump_hosts',
    'Known hosts by state: agent hosts plus agentless hosts a sweep recorded (see thump_hosts_by_source).',
    'gauge',
    () => {
      const total = new Map<string, number>();
      for (const c of hostCounts()) total.set(c.state, (total.get(c.state) ?? 0) + c.value);
      return [...total].map(([state, value]) => ({ labels: { state }, value }));
    },
  );
  add(
    'thump_hosts_by_source',
    'Known hosts by state and source (agent: heartbeats; sweep: agentless hosts a sweep recorded, unless an agent reports the same id).',
    'gauge',
    () => hostCounts().map((c) => ({ labels: { state: c.state, source: c.source }, value: c.value })),
  );
  add(
    'thump_udp_kernel_drops_total',
    'Heartbeat datagrams the kernel dropped because the UDP receive buffer was full (native receiver only).',
    'counter',
    () => {
      const d = monitor.stats().udpKernelDrops;
      return d === undefined ? [] : [{ value: d }];
    },
  );
  add('thump_hosts_flapping', 'Hosts currently flagged as flapping.', 'gauge', () => [
    { value: monitor.hosts().reduce((n, h) => n + (h.flapping ? 1 : 0), 0) },
  ]);
  add('thump_packets_total', 'UDP datagrams received (valid or not).', 'counter', () => [
    { value: monitor.stats().packetsTotal },
  ]);
  add('thump_beats_total', 'Valid, authenticated heartbeats accepted.', 'counter', () => [
    { value: monitor.stats().beatsTotal },
  ]);
  add('thump_packets_rejected_total', 'Datagrams dropped, by reason.', 'counter', () => {
    const r = monitor.stats().rejected as Record<string, number | undefined>;
    const reasons = new Set<string>([...EXPORTED_REJECT_REASONS, ...Object.keys(r)]);
    return [...reasons].map((reason) => ({ labels: { reason }, value: r[reason] ?? 0 }));
  });
  add('thump_events_total', 'Events recorded, by type.', 'counter', () => {
    const e = monitor.stats().eventsByType as Record<string, number | undefined>;
    const types = new Set<string>([...EVENT_TYPES, ...Object.keys(e)]);
    return [...types].map((type) => ({ labels: { type }, value: e[type] ?? 0 }));
  });
  add(
    'thump_detection_lateness_seconds',
    'Time from a host deadline passing to its down event being emitted.',
    'histogram',
    () => histogramSamples('thump_detection_lateness_seconds', monitor.detectionLateness()),
  );
  add('thump_http_sse_clients', 'Connected live-stream (SSE) clients.', 'gauge', () => [
    { value: extras.sseClients() },
  ]);

  if (notify) {
    add('thump_notifications_sent_total', 'Notifications delivered, by notifier.', 'counter', () =>
      notify.notifiers().map((n) => ({ labels: { notifier: n.name }, value: n.sent })),
    );
    add(
      'thump_notifications_failed_total',
      'Failed notification attempts, by notifier and reason.',
      'counter',
      () =>
        notify.notifiers().flatMap((n) =>
          Object.entries(n.failuresByReason).map(([reason, value]) => ({
            labels: { notifier: n.name, reason },
            value,
          })),
        ),
    );
    add('thump_notifier_failed', '1 when a notifier stopped on a permanent error.', 'gauge', () =>
      notify.notifiers().map((n) => ({ labels: { notifier: n.name }, value: n.state === 'failed' ? 1 : 0 })),
    );
    add('thump_outbox_depth', 'Notifications waiting in the outbox.', 'gauge', () => [
      { value: notify.outboxDepth() },
    ]);
  }

  if (extras.lastSweep) {
    const read = extras.lastSweep;
    add(
      'thump_sweep_last_run_hosts',
      'Hosts in the latest finished sweep run, by result class (ok or the error class).',
      'gauge',
      () => Object.entries(read()?.byClass ?? {}).map(([cls, value]) => ({ labels: { class: cls }, value })),
    );
    add(
      'thump_sweep_last_run_duration_seconds',
      'Wall time of the latest finished sweep run.',
      'gauge',
      () => {
        const s = read();
        return s ? [{ value: s.durationSeconds }] : [];
      },
    );
    add(
      'thump_sweep_last_run_timestamp_seconds',
      'When the latest finished sweep run ended (Unix time).',
      'gauge',
      () => {
        const s = read();
        return s ? [{ value: s.finishedAt / 1000 }] : [];
      },
    );
  }

  collectDefaultMetrics({ register: reg });
  // prom-client names these gauges `*_total`, which `promtool check metrics` rejects
  // ("non-counter metrics should not have _total suffix"); their `nodejs_active_*` twins stay.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    reg.removeSingleMetric(name);
  }
  return reg;
}
