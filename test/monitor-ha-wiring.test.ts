/**
 * The monitor service's active/standby behaviour (issue 12), in process: a real UDP socket,
 * a real SQLite store (its lease is held at epoch 1), and a hand-driven lease in place of
 * the coordinator (like hand-driven timers: the test decides when the lease moves).
 */
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HaControl } from '../src/monitor/ha/ports.js';
import { MonitorService } from '../src/monitor/service.js';
import { encodeBeat, Keyring, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import { openStore, type Store } from '../src/store/index.js';
import { tempDir, waitFor } from './support/proc.js';

const key = keyFromSecret('ha-wiring-test-secret-0123456789');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A lease the test moves by hand; `epoch` 1 is what the SQLite store holds. */
class ManualLease implements HaControl {
  readonly monitorId = 'me';
  held = true;
  epoch = 1;
  leader = 'me';
  takeovers = 0;
  storeUp = true;
  fencedWith: number[] = [];
  get role(): 'active' | 'standby' {
    return this.held ? 'active' : 'standby';
  }
  fence() {
    return this.held ? { epoch: this.epoch } : undefined;
  }
  noteFenced(epoch: number): void {
    this.fencedWith.push(epoch);
    this.held = false;
  }
  start(): void {}
  async ready(): Promise<void> {}
  async stop(): Promise<void> {}
}

function beat(hostId: string, seq: number): Beat {
  return {
    hostId,
    bootId: '00000000000000cd',
    seq,
    sentAt: Date.now(),
    intervalMs: 100,
    goodbye: false,
    uptimeSeconds: seq,
    load: [0, 0, 0],
    memTotalBytes: 0,
    memAvailableBytes: 0,
    diskTotalBytes: 0,
    diskUsedBytes: 0,
    checks: [],
    labels: {},
  };
}

async function rig(opts: { maxPendingEvents?: number } = {}) {
  const dir = tempDir('thump-ha-wiring-');
  cleanups.push(dir.cleanup);
  const store: Store = await openStore(join(dir.path, 't.db'));
  cleanups.push(() => store.close());
  const lease = new ManualLease();
  const m = new MonitorService({
    store,
    keyring: new Keyring(key),
    listen: [{ host: '127.0.0.1', port: 0, family: 4 }],
    flushIntervalMs: 100,
    core: { partition: { enabled: false, minHosts: 4, silenceIntervals: 2 } },
    ha: lease,
    logger: pino({ level: 'silent' }),
    ...opts,
  });
  await m.start();
  cleanups.push(() => m.stop());
  const sock = createSocket('udp4');
  cleanups.push(() => {
    sock.close();
  });
  const seqs = new Map<string, number>();
  const send = (hostId: string) => {
    const seq = (seqs.get(hostId) ?? 0) + 1;
    seqs.set(hostId, seq);
    return new Promise<void>((res, rej) =>
      sock.send(encodeBeat(beat(hostId, seq), key), m.udp[0]?.port ?? 0, '127.0.0.1', (e) =>
        e ? rej(e) : res(),
      ),
    );
  };
  const types = async (hostId: string) => (await store.events.list({ hostId })).reverse().map((e) => e.type);
  return { store, lease, m, send, types };
}

describe('MonitorService with a lease (active and standby)', () => {
  it('records nothing as a standby and, on becoming active, one down for a host that died meanwhile, never new again', async () => {
    const { store, lease, m, send, types } = await rig();
    await send('web-1');
    await waitFor(async () => (await types('web-1')).includes('new'), 'the new event');

    lease.held = false;
    lease.leader = 'other'; // another monitor is active
    await waitFor(() => m.host('web-1')?.state === 'down', 'the host down in memory', 10_000);
    await m.settle();
    await m.flush();
    expect(await types('web-1')).toEqual(['new']);
    expect((await store.hosts.load()).find((h) => h.id === 'web-1')?.state).toBe('up');

    lease.held = true;
    lease.epoch = 1;
    await m.becameActive();
    const events = (await store.events.list({ hostId: 'web-1' })).reverse();
    expect(events.map((e) => e.type)).toEqual(['new', 'down']);
    expect(events[1]?.details.takeover).toBe(true);
    await m.becameActive(); // a second takeover finds nothing to add
    expect(await types('web-1')).toEqual(['new', 'down']);
  });

  it('keeps events found without a lease, in order, and records only those still true when it returns', async () => {
    const { lease, m, send, types } = await rig();
    await send('a');
    await send('b');
    await waitFor(async () => (await types('a')).length + (await types('b')).length === 2, 'two new events');

    lease.held = false; // store outage: no lease, and nobody else holds it
    await waitFor(
      () => m.host('a')?.state === 'down' && m.host('b')?.state === 'down',
      'both hosts down in memory',
      10_000,
    );
    await send('b'); // b comes back before the store does
    await waitFor(() => m.host('b')?.state === 'up', 'b up again', 10_000);
    await m.settle();
    expect(m.health().pendingEvents).toBeGreaterThanOrEqual(3);

    lease.held = true;
    await m.becameActive();
    expect(await types('a')).toEqual(['new', 'down']);
    expect(await types('b')).toEqual(['new']); // its down and up are over: not paged
    expect(m.health().pendingEvents).toBe(0);
  });

  it('bounds the pending queue, counts the drops, and still brings every host into the log on takeover', async () => {
    const { lease, m, send, types } = await rig({ maxPendingEvents: 2 });
    lease.held = false; // no lease from the start
    for (const h of ['h1', 'h2', 'h3', 'h4', 'h5']) await send(h);
    await waitFor(() => m.hosts().length === 5, 'five hosts heard');
    await m.settle();
    expect(m.health().pendingEvents).toBe(2);
    expect(m.health().droppedEvents).toBe(3);

    lease.held = true;
    await m.becameActive();
    for (const h of ['h1', 'h2', 'h3', 'h4', 'h5']) expect(await types(h)).toEqual(['new']);
  });

  it('steps down on a fenced write and records nothing with the stale epoch', async () => {
    const { lease, send, types } = await rig();
    lease.epoch = 7; // the store's lease is at 1: this monitor's epoch is stale
    await send('x');
    await waitFor(() => lease.fencedWith.length > 0, 'the fenced write to be noticed');
    expect(lease.fencedWith).toEqual([7]);
    expect(lease.role).toBe('standby');
    expect(await types('x')).toEqual([]);
  });
});
