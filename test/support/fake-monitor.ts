import type {
  HistogramSnapshot,
  HostEvent,
  HostState,
  HostView,
  MonitorStats,
  MonitorView,
  NewEvent,
} from '../../src/monitor/types.js';
import type { Store } from '../../src/store/index.js';

/**
 * An in-memory MonitorView for tests, the dashboard load test and demos: hosts are set by
 * hand; events are recorded in the store it is given (as the real monitor records them)
 * and then delivered to subscribers. A test double: it lives in test/support, never in dist/.
 */
export class FakeMonitor implements MonitorView {
  readonly byId = new Map<string, HostView>();
  readonly log: HostEvent[] = [];
  /** `store`: where {@link emit} records events (the HTTP layer reads them from there). */
  constructor(readonly store?: Store) {}
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

  /** Records an event in the store and tells subscribers, as the monitor does after persisting it. */
  async emit(e: NewEvent): Promise<HostEvent> {
    const event: HostEvent = this.store
      ? ((await this.store.events.record([e]))[0] as HostEvent)
      : { ...e, id: (this.log[this.log.length - 1]?.id ?? 0) + 1 };
    this.log.push(event);
    this.counters.eventsByType[e.type] = (this.counters.eventsByType[e.type] ?? 0) + 1;
    for (const l of this.listeners) l(event);
    return event;
  }

  beatHistory(id: string): number[] {
    return this.history.get(id) ?? [];
  }
}
