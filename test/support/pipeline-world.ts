import { join } from 'node:path';
import { configSchema, type ThumpConfig } from '../../src/cli/config-schema.js';
import { parseConfigText } from '../../src/config/loader.js';
import type { HostEvent, HostView, MonitorView, NewEvent } from '../../src/monitor/types.js';
import { type NotifyPipeline, startNotifyPipeline } from '../../src/notify/index.js';
import { openStore, type Store } from '../../src/store/index.js';

/**
 * A stand-in for the running monitor: a host table the test edits by hand. The pipeline
 * only reads `host(id)` (state, labels, flapping, checks, last beat, interval).
 */
export class FakeMonitor implements MonitorView {
  private readonly table = new Map<string, HostView>();
  private readonly listeners = new Set<(e: HostEvent) => void>();

  set(id: string, over: Partial<HostView> = {}): HostView {
    const now = Date.now();
    const prev = this.table.get(id);
    const h: HostView = {
      id,
      state: 'up',
      source: 'agent',
      address: '127.0.0.1:1',
      firstSeenAt: now,
      lastBeatAt: now,
      stateSince: now,
      bootId: '0000000000000000',
      seq: 1,
      intervalMs: 1000,
      timeoutMs: 3000,
      uptimeSeconds: 1,
      load: [0, 0, 0],
      memTotalBytes: 0,
      memAvailableBytes: 0,
      diskTotalBytes: 0,
      diskUsedBytes: 0,
      checks: [],
      labels: {},
      flapping: false,
      ...prev,
      ...over,
    };
    this.table.set(id, h);
    return h;
  }
  hosts(): HostView[] {
    return [...this.table.values()];
  }
  host(id: string): HostView | undefined {
    return this.table.get(id);
  }
  stats() {
    return {
      packetsTotal: 0,
      beatsTotal: 0,
      rejected: {},
      hostsByState: { up: 0, down: 0, left: 0 },
      eventsByType: {},
    };
  }
  detectionLateness() {
    return { bounds: [], counts: [0], sum: 0, count: 0 };
  }
  subscribe(listener: (e: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  /** Tells subscribers about committed events, as the real monitor does after each write. */
  publish(events: readonly HostEvent[]): void {
    for (const e of events) for (const l of this.listeners) l(e);
  }
}

/** Config from a plain object, through the real loader (so defaults and checks apply). */
export function config(obj: object): ThumpConfig {
  return parseConfigText(configSchema, JSON.stringify(obj), 'test.yaml');
}

/** A monitor-shaped world on a real store (a SQLite file): fake host table, running pipeline. */
export interface PipelineWorld {
  store: Store;
  monitor: FakeMonitor;
  pipeline: NotifyPipeline;
  /**
   * Records events through the store's event log (outbox rows go in the same transaction),
   * then publishes them, as the monitor does.
   */
  record(events: NewEvent[]): Promise<HostEvent[]>;
  close(): Promise<void>;
}

export async function startWorld(
  dir: string,
  cfg: ThumpConfig,
  monitor = new FakeMonitor(),
): Promise<PipelineWorld> {
  const store = await openStore(join(dir, 'thump.db'));
  let pipeline: NotifyPipeline;
  try {
    pipeline = await startNotifyPipeline({ store, monitor, config: cfg });
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    store,
    monitor,
    pipeline,
    record: async (events) => {
      const recorded = await store.events.record(events);
      monitor.publish(recorded);
      return recorded;
    },
    async close() {
      await pipeline.stop();
      await store.close();
    },
  };
}
