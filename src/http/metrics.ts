import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { EVENT_TYPES, HOST_STATES, type MonitorView } from '../monitor/types.js';
import type { NotifyView } from '../notify/types.js';
import { REJECT_REASONS, type RejectReason } from '../protocol/types.js';
import type { Store } from '../store/index.js';
import { type AddMetric, histogramSamples, SnapshotMetric } from './metric-samples.js';
import { addHealthMetrics } from './metrics-health.js';
import { sweptHostsOf } from './swept-hosts.js';

export { histogramSamples } from './metric-samples.js';

/** Rejection reasons always exported (at 0 until seen) so dashboards and alerts find them. */
const EXPORTED_REJECT_REASONS: readonly (RejectReason | 'rate-limited')[] = [
  ...REJECT_REASONS,
  'rate-limited',
];

/** The latest finished sweep run's numbers for /metrics. */
export interface SweepSummary {
  byClass: Record<string, number>;
  durationSeconds: number;
  finishedAt: number;
}

/** Extra live numbers the HTTP layer itself owns (SSE clients) and the store behind it. */
export interface MetricsExtras {
  sseClients(): number;
  /**
   * The monitor's store: swept (agentless) hosts recorded there count in `thump_hosts`, and
   * the latest finished sweep run gives the `thump_sweep_last_run_*` gauges.
   */
  store?: Store;
}

/** What a scrape reads from the store, at most once a second (see {@link storeReads}). */
interface StoreSnapshot {
  swept: { up: number; down: number };
  lastSweep: SweepSummary | undefined;
}

/** The latest finished run among the newest few, counted by result class. */
async function lastSweepSummary(store: Store): Promise<SweepSummary | undefined> {
  const run = (await store.sweeps.list(5)).find((r) => r.finishedAt !== null);
  if (!run || run.finishedAt === null) return undefined;
  const byClass: Record<string, number> = {};
  for (const r of await store.sweeps.results(run.id)) {
    const cls = r.status === 'ok' ? 'ok' : r.errorClass;
    byClass[cls] = (byClass[cls] ?? 0) + 1;
  }
  return { byClass, durationSeconds: (run.finishedAt - run.startedAt) / 1000, finishedAt: run.finishedAt };
}

/**
 * The store-derived numbers of a scrape, read once and kept for a second: the several
 * gauges that need them share one set of queries, and a scraper polling fast (or several
 * scrapers) cannot turn /metrics into a load on a network database. Concurrent scrapes
 * share the read in flight.
 */
function storeReads(store: Store | undefined, monitor: MonitorView): () => Promise<StoreSnapshot> {
  let cached: { at: number; value: Promise<StoreSnapshot> } | undefined;
  const read = async (): Promise<StoreSnapshot> => {
    if (store === undefined) return { swept: { up: 0, down: 0 }, lastSweep: undefined };
    const [latest, lastSweep] = await Promise.all([store.sweeps.latest(), lastSweepSummary(store)]);
    const swept = { up: 0, down: 0 };
    for (const h of sweptHostsOf(latest, (id) => monitor.host(id) !== undefined)) {
      if (h.state === 'up' || h.state === 'down') swept[h.state]++;
    }
    return { swept, lastSweep };
  };
  return () => {
    const t = Date.now();
    if (cached === undefined || t - cached.at >= 1000) {
      const value = read();
      cached = { at: t, value };
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

/** States a swept host can be in (its last probe answered or not). */
const SWEPT_STATES = ['up', 'down'] as const;

/**
 * Builds the registry behind `GET /metrics`, one named step per area: hosts, ingest,
 * detection, health (store writes, event loop, dispatcher), HTTP, notify, sweeps, and
 * prom-client's default process metrics.
 */
export function buildMetricsRegistry(
  monitor: MonitorView,
  notify: NotifyView | undefined,
  extras: MetricsExtras,
): Registry {
  const reg = new Registry();
  const add: AddMetric = (name, help, type, read) =>
    reg.registerMetric(new SnapshotMetric(name, help, type, read) as unknown as Metric<string>);
  const fromStore = storeReads(extras.store, monitor);
  addHostMetrics(add, monitor, extras.store !== undefined, fromStore);
  addIngestMetrics(add, monitor);
  addDetectionMetrics(add, monitor);
  addHealthMetrics(add, monitor, notify);
  add('thump_http_sse_clients', 'Connected live-stream (SSE) clients.', 'gauge', () => [
    { value: extras.sseClients() },
  ]);
  if (notify) addNotifyMetrics(add, notify);
  if (extras.store) addSweepMetrics(add, async () => (await fromStore()).lastSweep);
  addProcessMetrics(reg);
  return reg;
}

/**
 * `thump_hosts` and `thump_hosts_by_source`. Per (state, source): agent hosts from the
 * monitor, swept hosts from the store, merged as /api/hosts and /api/summary merge them
 * (agent data wins on a shared id). Both gauges share the cached store read, so the sweep
 * query runs at most once a second, not once per gauge.
 */
function addHostMetrics(
  add: AddMetric,
  monitor: MonitorView,
  withSwept: boolean,
  fromStore: () => Promise<StoreSnapshot>,
): void {
  type HostCount = { state: string; source: 'agent' | 'sweep'; value: number };
  const hostCounts = async (): Promise<HostCount[]> => {
    const s = monitor.stats().hostsByState;
    const rows: HostCount[] = HOST_STATES.map((state) => ({ state, source: 'agent', value: s[state] ?? 0 }));
    if (withSwept) {
      const { swept } = await fromStore();
      for (const state of SWEPT_STATES) rows.push({ state, source: 'sweep', value: swept[state] });
    }
    return rows;
  };
  add(
    'thump_hosts',
    'Known hosts by state: agent hosts plus agentless hosts a sweep recorded (see thump_hosts_by_source).',
    'gauge',
    async () => {
      const total = new Map<string, number>();
      for (const c of await hostCounts()) total.set(c.state, (total.get(c.state) ?? 0) + c.value);
      return [...total].map(([state, value]) => ({ labels: { state }, value }));
    },
  );
  add(
    'thump_hosts_by_source',
    'Known hosts by state and source (agent: heartbeats; sweep: agentless hosts a sweep recorded, unless an agent reports the same id).',
    'gauge',
    async () =>
      (await hostCounts()).map((c) => ({ labels: { state: c.state, source: c.source }, value: c.value })),
  );
  add('thump_hosts_flapping', 'Hosts currently flagged as flapping.', 'gauge', () => [
    { value: monitor.hosts().reduce((n, h) => n + (h.flapping ? 1 : 0), 0) },
  ]);
}

/** Datagrams in: received, accepted, rejected by reason, dropped by the kernel. */
function addIngestMetrics(add: AddMetric, monitor: MonitorView): void {
  add(
    'thump_udp_kernel_drops_total',
    'Heartbeat datagrams the kernel dropped because the UDP receive buffer was full (native receiver only).',
    'counter',
    () => {
      const d = monitor.stats().udpKernelDrops;
      return d === undefined ? [] : [{ value: d }];
    },
  );
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
}

/** Events recorded by type, and how late down events fire after their deadline. */
function addDetectionMetrics(add: AddMetric, monitor: MonitorView): void {
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
}

/** Deliveries and failures per notifier, and the outbox depth. */
function addNotifyMetrics(add: AddMetric, notify: NotifyView): void {
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

/** The latest finished sweep run: hosts by result class, duration, end time. */
function addSweepMetrics(add: AddMetric, read: () => Promise<SweepSummary | undefined>): void {
  add(
    'thump_sweep_last_run_hosts',
    'Hosts in the latest finished sweep run, by result class (ok or the error class).',
    'gauge',
    async () =>
      Object.entries((await read())?.byClass ?? {}).map(([cls, value]) => ({
        labels: { class: cls },
        value,
      })),
  );
  add(
    'thump_sweep_last_run_duration_seconds',
    'Wall time of the latest finished sweep run.',
    'gauge',
    async () => {
      const s = await read();
      return s ? [{ value: s.durationSeconds }] : [];
    },
  );
  add(
    'thump_sweep_last_run_timestamp_seconds',
    'When the latest finished sweep run ended (Unix time).',
    'gauge',
    async () => {
      const s = await read();
      return s ? [{ value: s.finishedAt / 1000 }] : [];
    },
  );
}

/** prom-client's default process metrics, minus the gauges promtool rejects. */
function addProcessMetrics(reg: Registry): void {
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
}
