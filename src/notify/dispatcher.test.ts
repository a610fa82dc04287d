import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent, HostView } from '../monitor/types.js';
import { openStore, type Store } from '../store/index.js';
import { ManualClock } from '../util/clock.js';
import { Dependencies } from './dependencies.js';
import { Dispatcher, type DispatchTiming } from './dispatcher.js';
import { NotifyError } from './errors.js';
import { Router } from './routes.js';
import { SilenceMatcher } from './silences.js';
import type { NotificationBatch, Notifier } from './types.js';

const T0 = Date.parse('2026-11-23T12:00:00Z');
const timing: DispatchTiming = {
  groupWaitMs: 10_000,
  repeatIntervalMs: 3_600_000,
  maxListed: 3,
  retryInitialMs: 1_000,
  retryMaxMs: 60_000,
  retryDeadlineMs: 300_000,
  attemptTimeoutMs: 5_000,
};

class ScriptedNotifier implements Notifier {
  readonly type = 'test';
  readonly sent: NotificationBatch[] = [];
  attempts = 0;
  constructor(
    readonly name: string,
    private readonly fail: (attempt: number) => Error | undefined = () => undefined,
  ) {}
  async send(batch: NotificationBatch): Promise<void> {
    const err = this.fail(++this.attempts);
    if (err) throw err;
    this.sent.push(batch);
  }
}

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A dispatcher on a real (in-memory SQLite) store, its rows queued by the events' hook. */
async function setup(notifier: ScriptedNotifier, t: Partial<DispatchTiming> = {}) {
  const db = await openStore(':memory:');
  open.push(db);
  const store = db.outbox;
  const clock = new ManualClock(T0);
  const hosts = new Map<string, HostView>();
  const d = new Dispatcher({
    store,
    notifiers: [notifier],
    router: new Router([], [notifier.name], 0),
    dependencies: new Dependencies([]),
    world: { host: (id) => hosts.get(id), silences: async () => new SilenceMatcher([]) },
    timing: { ...timing, ...t },
    clock,
    random: () => 1,
  });
  db.events.onRecorded((events) => d.rows(events));
  const record = async (type: HostEvent['type'], hostId: string): Promise<HostEvent> => {
    const [e] = await db.events.record([{ type, hostId, at: clock.now(), details: {} }]);
    return e as HostEvent;
  };
  const setHost = (hostId: string, state: HostView['state']) =>
    hosts.set(hostId, { id: hostId, state, flapping: false, labels: {}, checks: [] } as unknown as HostView);
  const run = async () => {
    await d.step();
    await d.idle();
  };
  return { db, store, clock, d, record, setHost, run, host: (id: string) => hosts.get(id) };
}

describe('Dispatcher', () => {
  it('waits group_wait from the first ready row, then sends one batch', async () => {
    const n = new ScriptedNotifier('ops');
    const w = await setup(n);
    await w.record('down', 'a');
    w.clock.advance(4_000);
    await w.record('down', 'b');
    await w.run();
    expect(n.sent).toHaveLength(0);
    w.clock.advance(6_000);
    await w.run(); // forms the batch
    await w.run(); // sends it
    expect(n.sent.map((b) => b.title)).toEqual(['2 hosts down: a, b']);
    expect(await w.store.depth()).toBe(0);
  });

  it('queues each event once per notifier even when replayed', async () => {
    const n = new ScriptedNotifier('ops');
    const w = await setup(n);
    const e = await w.record('down', 'a');
    expect(await w.store.enqueue(w.d.rows([e]))).toBe(0);
    expect(await w.store.depth()).toBe(1);
    expect(await w.store.cursor()).toBe(e.id);
  });

  it('retries with growing delays, then gives up at the deadline with the reason', async () => {
    const n = new ScriptedNotifier(
      'ops',
      () => new NotifyError('endpoint said 503', { reason: 'http-5xx', retryable: true }),
    );
    const w = await setup(n, { retryDeadlineMs: 10_000 });
    await w.record('down', 'a');
    w.clock.advance(10_000);
    await w.run();
    await w.run(); // attempt 1 fails, next in 1 s
    expect(n.attempts).toBe(1);
    let next = await w.d.step();
    expect(next).toBe(w.clock.now() + 1_000);
    w.clock.set(next as number);
    await w.run(); // attempt 2 fails, next in 2 s
    next = await w.d.step();
    expect(next).toBe(w.clock.now() + 2_000);
    for (let i = 0; i < 10 && w.d.statusList()[0]?.state !== 'failed'; i++) {
      w.clock.set(((await w.d.step()) ?? w.clock.now()) as number);
      await w.run();
    }
    const st = w.d.statusList()[0];
    expect(st?.state).toBe('failed');
    expect(st?.lastError).toMatch(/^gave up after \d+ attempts over \d+s: endpoint said 503$/);
    expect(st?.failuresByReason['http-5xx']).toBe(n.attempts);
    expect(await w.store.depth()).toBe(0);
  });

  it('does not retry a permanent error', async () => {
    const n = new ScriptedNotifier(
      'ops',
      () => new NotifyError('HTTP 404', { reason: 'http-4xx', retryable: false }),
    );
    const w = await setup(n);
    await w.record('down', 'a');
    w.clock.advance(10_000);
    await w.run();
    await w.run();
    w.clock.advance(600_000);
    await w.run();
    expect(n.attempts).toBe(1);
    expect(w.d.statusList()[0]).toMatchObject({ state: 'failed', lastError: 'HTTP 404' });
  });

  it('reminds every repeat_interval while the host stays down, and keeps the rows reminders need', async () => {
    const n = new ScriptedNotifier('ops');
    const w = await setup(n, { repeatIntervalMs: 60_000 });
    w.setHost('a', 'down');
    await w.record('down', 'a');
    w.clock.advance(10_000);
    await w.run();
    await w.run();
    w.clock.advance(8 * 86_400_000); // a week later: old rows are pruned, not the alert's
    await w.run(); // reminder row queued and prune ran
    w.clock.advance(10_000);
    await w.run();
    await w.run();
    expect(n.sent.map((b) => [b.kind, b.title])).toEqual([
      ['alert', 'a down'],
      ['reminder', 'still: a down'],
    ]);
  });
});

describe('Dispatcher soft state', () => {
  it('holds a down for the alert_after intervals of the host label, counted from its last beat', async () => {
    const n = new ScriptedNotifier('ops');
    const w = await setup(n, { groupWaitMs: 0 });
    w.setHost('a', 'down');
    // 5 intervals of 2 s from a last beat 6 s ago: the page is due 4 s from now.
    const hosts = { lastBeatAt: T0 - 6_000, intervalMs: 2_000, labels: { alert_after: '5' } };
    Object.assign(w.host('a') as object, hosts);
    await w.record('down', 'a');
    await w.run();
    await w.run();
    expect(n.sent).toHaveLength(0);
    w.clock.advance(4_000);
    await w.run();
    await w.run();
    expect(n.sent.map((b) => b.title)).toEqual(['a down']);
  });
});
