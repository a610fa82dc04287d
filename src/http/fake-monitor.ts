import type {
  HistogramSnapshot,
  HostEvent,
  HostState,
  HostView,
  MonitorStats,
  MonitorView,
  NewEvent,
} from '../monitor/types.js';
import type { EventLog, EventQuery } from './event-log.js';

/**
 * An in-memory MonitorView plus event log for tests, the dashboard load test and demos:
 * hosts are set by hand, events are appended and delivered to subscribers like the real
 * monitor does (after "persisting").
 */
export class FakeMonitor implements MonitorView, EventLog {
  readonly byId = new Map<string, HostView>();
  readonly log: HostEvent[] = [];
  readonly listeners = new Set<(e: HostEvent) => void>();
  counters: Omit<MonitorStats, 'hostsByState'> = {
    packetsTotal: 0,
    beatsTotal: 0,
    rejected: {},
    eventsByType: {},
  };
  lateness: HistogramSnapshot = {
    bounds: [10, 50, 100, 250, 1000],
    counts: [0, 0, 0, 0, 0, 0],
    sum: 0,
    count: 0,
  };
  history = new Map<string, number[]>();

  hosts(): HostView[] {
    return [...this.byId.values()];
  }
  host(id: string): HostView | undefined {
    return this.byId.get(id);
  }
  stats(): MonitorStats {
    const hostsByState: Record<HostState, number> = { up: 0, down: 0, left: 0 };
    for (const h of this.byId.values()) hostsByState[h.state]++;
    return { ...this.counters, hostsByState };
  }
  detectionLateness(): HistogramSnapshot {
    return this.lateness;
  }
  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds or replaces a host (defaults: up, beating now, 5 s interval). */
  setHost(partial: Partial<HostView> & { id: string }, now = Date.now()): HostView {
    const prev = this.byId.get(partial.id);
    const h: HostView = {
      state: 'up',
      source: 'agent',
      address: '127.0.0.1:40000',
      firstSeenAt: now - 3_600_000,
      lastBeatAt: now,
      stateSince: now - 3_600_000,
      bootId: '0123456789abcdef',
      seq: 1,
      intervalMs: 5000,
      timeoutMs: 15000,
      uptimeSeconds: 86_400,
      load: [0.1, 0.2, 0.3],
      memTotalBytes: 8 * 2 ** 30,
      memAvailableBytes: 4 * 2 ** 30,
      diskTotalBytes: 100 * 2 ** 30,
      diskUsedBytes: 40 * 2 ** 30,
      checks: [],
      labels: {},
      flapping: false,
      ...prev,
      ...partial,
    };
    this.byId.set(h.id, h);
    return h;
  }

  /** Appends an event and tells subscribers, as the monitor does after persisting it. */
  emit(e: NewEvent): HostEvent {
    const event: HostEvent = { ...e, id: (this.log[this.log.length - 1]?.id ?? 0) + 1 };
    this.log.push(event);
    this.counters.eventsByType[e.type] = (this.counters.eventsByType[e.type] ?? 0) + 1;
    for (const l of this.listeners) l(event);
    return event;
  }

  list(q: EventQuery): HostEvent[] {
    const rows = this.log.filter(
      (e) =>
        (q.beforeId === undefined || e.id < q.beforeId) &&
        (q.afterId === undefined || e.id > q.afterId) &&
        (q.hostId === undefined || e.hostId === q.hostId) &&
        (q.types === undefined || q.types.includes(e.type)) &&
        (q.since === undefined || e.at >= q.since) &&
        (q.until === undefined || e.at < q.until),
    );
    return rows.slice(-q.limit).reverse();
  }

  beatHistory(id: string): number[] {
    return this.history.get(id) ?? [];
  }
}
