import { join } from 'node:path';
import { configSchema, type ThumpConfig } from '../../src/cli/config-schema.js';
import { parseConfigText } from '../../src/config/loader.js';
import type { HostEvent, HostView, MonitorView, NewEvent } from '../../src/monitor/types.js';
import { type NotifyPipeline, notifyMigrations, startNotifyPipeline } from '../../src/notify/index.js';
import { type Db, openDb } from '../../src/store/db.js';
import { coreMigrations, recordEvents } from '../../src/store/events.js';

/**
 * A stand-in for the running monitor: a host table the test edits by hand. The pipeline
 * only reads `host(id)` (state, labels, flapping, checks, last beat, interval).
 */
export class FakeMonitor implements MonitorView {
  private readonly table = new Map<string, HostView>();

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
  subscribe(): () => void {
    return () => {};
  }
}

/** Config from a plain object, through the real loader (so defaults and checks apply). */
export function config(obj: object): ThumpConfig {
  return parseConfigText(configSchema, JSON.stringify(obj), 'test.yaml');
}

/** A monitor-shaped world on a real SQLite file: db, fake host table, running pipeline. */
export interface PipelineWorld {
  db: Db;
  monitor: FakeMonitor;
  pipeline: NotifyPipeline;
  /** Records events through the monitor's event log (outbox rows go in the same transaction). */
  record(events: NewEvent[]): HostEvent[];
  close(): Promise<void>;
}

export async function startWorld(
  dir: string,
  cfg: ThumpConfig,
  monitor = new FakeMonitor(),
): Promise<PipelineWorld> {
  const db = openDb(join(dir, 'thump.db'), [coreMigrations, ...notifyMigrations]);
  let pipeline: NotifyPipeline;
  try {
    pipeline = await startNotifyPipeline({ db, monitor, config: cfg });
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    db,
    monitor,
    pipeline,
    record: (events) => recordEvents(db, events),
    async close() {
      await pipeline.stop();
      db.close();
    },
  };
}
