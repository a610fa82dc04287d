/**
 * The notify pipeline under a lease (issue 12), in process against a real SQLite file and
 * a real loopback webhook: a standby claims and sends nothing, the active delivers once; a
 * fenced outbox write stops the dispatcher; self-alerts go straight to `self_alerts`
 * notifiers, one per outage.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotifyPipeline } from '../src/notify/pipeline.js';
import { openStore } from '../src/store/index.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { config, FakeMonitor } from './support/pipeline-world.js';
import { tempDir, waitFor } from './support/proc.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A lease moved by hand: `held` at `epoch` (the SQLite store's lease is at 1). */
function manualLease() {
  const lease = {
    held: false,
    epoch: 1,
    fencedWith: [] as number[],
    fence: () => (lease.held ? { epoch: lease.epoch } : undefined),
    noteFenced: (e: number) => {
      lease.fencedWith.push(e);
      lease.held = false;
    },
  };
  return lease;
}

async function setup(notifiers: object[]) {
  const dir = tempDir('thump-pipeline-ha-');
  cleanups.push(dir.cleanup);
  const hook = await startCaptureServer();
  cleanups.push(() => hook.close());
  const cfg = config({
    notifiers: notifiers.map((n) => ({ type: 'webhook', url: `${hook.url}/hook`, ...n })),
    grouping: { group_wait: '0s' },
    delivery: { retry_initial: '50ms', retry_max: '200ms' },
  });
  const store = await openStore(join(dir.path, 'thump.db'));
  cleanups.push(() => store.close());
  const monitor = new FakeMonitor();
  const lease = manualLease();
  const pipeline = await startNotifyPipeline({ store, monitor, config: cfg, ha: lease, monitorId: 'mon-x' });
  cleanups.push(() => pipeline.stop());
  return { hook, store, monitor, lease, pipeline };
}

const bodies = (hook: CaptureServer) =>
  hook.requests.map(
    (r) => JSON.parse(r.body) as { kind: string; title: string; events: { hostId: string }[] },
  );

describe('notify pipeline with a lease', () => {
  it('sends nothing as a standby and delivers the queued rows once after activate()', async () => {
    const { hook, store, monitor, lease, pipeline } = await setup([{ name: 'ops' }]);
    monitor.set('db-1', { state: 'down' });
    // Another monitor (the active one) recorded the event with its outbox rows.
    const recorded = await store.events.record([
      { type: 'down', hostId: 'db-1', at: Date.now(), details: {} },
    ]);
    monitor.publish(recorded);
    await pipeline.flush();
    expect(hook.requests).toHaveLength(0);
    expect(await store.outbox.depth()).toBe(1);

    lease.held = true;
    await pipeline.activate();
    await waitFor(() => hook.requests.length >= 1, 'the delivery after activation');
    await pipeline.flush();
    expect(bodies(hook).flatMap((b) => b.events.map((e) => e.hostId))).toEqual(['db-1']);
    await waitFor(async () => (await store.outbox.depth()) === 0, 'the row marked sent');
  });

  it('stops at a fenced outbox write and sends nothing with the stale epoch', async () => {
    const { hook, store, monitor, lease, pipeline } = await setup([{ name: 'ops' }]);
    monitor.set('db-2', { state: 'down' });
    await store.events.record([{ type: 'down', hostId: 'db-2', at: Date.now(), details: {} }]);
    lease.held = true;
    lease.epoch = 9; // the store's lease is at 1: another monitor took over
    await pipeline.flush();
    expect(lease.fencedWith).toContain(9);
    expect(hook.requests).toHaveLength(0);
    expect(await store.outbox.depth()).toBe(1);
  });

  it('sends one store-unreachable self-alert per outage to self_alerts notifiers only, then one reachable-again', async () => {
    const { hook, pipeline } = await setup([{ name: 'ops' }, { name: 'quiet', self_alerts: false }]);
    await pipeline.selfAlert('store-down', 'lease renewal: connection refused');
    await pipeline.selfAlert('store-down', 'publishing suspects: connection refused'); // same outage
    await pipeline.selfAlert('store-up', 'after 4.0s');
    await pipeline.selfAlert('store-up', 'after 4.0s');
    const got = bodies(hook);
    expect(got.map((b) => [b.kind, b.title])).toEqual([
      ['alert', 'thump monitor mon-x: store unreachable'],
      ['resolved', 'thump monitor mon-x: store reachable again'],
    ]);
    expect(hook.requests.every((r) => r.url === '/hook')).toBe(true);
  });
});
