import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MonitorService } from '../src/monitor/service.js';
import type { HostEvent } from '../src/monitor/types.js';
import { encodeBeat, Keyring, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import { openStore, type Store } from '../src/store/index.js';
import { tempDir, waitFor } from './support/proc.js';

const key = keyFromSecret('runtime-test-secret-0123456789abc');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function beat(hostId: string, seq: number, intervalMs = 60_000): Beat {
  return {
    hostId,
    bootId: '00000000000000ab',
    seq,
    sentAt: Date.now(),
    intervalMs,
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

async function open(dir: string): Promise<Store> {
  const store = await openStore(join(dir, 't.db'));
  cleanups.push(() => store.close());
  return store;
}

async function start(store: Store) {
  const m = new MonitorService({
    store,
    keyring: new Keyring(key),
    listen: [{ host: '127.0.0.1', port: 0, family: 4 }],
    flushIntervalMs: 100,
    logger: pino({ level: 'silent' }),
  });
  await m.start();
  cleanups.push(() => m.stop());
  const sock = createSocket('udp4');
  cleanups.push(() => {
    sock.close();
  });
  const send = (b: Beat) =>
    new Promise<void>((res, rej) =>
      sock.send(encodeBeat(b, key), m.udp[0]?.port ?? 0, '127.0.0.1', (e) => (e ? rej(e) : res())),
    );
  return { m, send };
}

describe('MonitorService (in process, real UDP socket and SQLite file)', () => {
  it('records events durably before publishing them, in the same transaction as outbox hooks', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const store = await open(dir.path);
    const hooked: number[] = [];
    store.events.onRecorded((events) => {
      hooked.push(...events.map((e) => e.id));
      return [];
    });
    const { m, send } = await start(store);
    const published: HostEvent[] = [];
    const readable: Array<Promise<boolean>> = [];
    m.subscribe((e) => {
      // Published only after commit: the row is already readable when the subscriber runs.
      readable.push(
        store.events.list({ afterId: e.id - 1, beforeId: e.id + 1 }).then((r) => r[0]?.id === e.id),
      );
      published.push(e);
    });
    for (let h = 0; h < 10; h++) await send(beat(`rt-${h}`, 1));
    await waitFor(() => published.length === 10, 'ten new events published');
    expect(await Promise.all(readable)).toEqual(published.map(() => true));
    expect(published.every((e) => e.type === 'new')).toBe(true);
    expect(hooked).toEqual(published.map((e) => e.id));
    // The `new` host rows were written with the events.
    expect(await store.hosts.load()).toHaveLength(10);
  });

  it('keeps events the store refused and records them once, in order, when it accepts again', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const real = await open(dir.path);
    let refuse = true;
    let attempts = 0;
    const flaky = {
      ...real,
      events: {
        ...real.events,
        record: (...args: Parameters<Store['events']['record']>) => {
          attempts++;
          return refuse ? Promise.reject(new Error('disk full')) : real.events.record(...args);
        },
      },
    } as Store;
    const { m, send } = await start(flaky);
    const published: HostEvent[] = [];
    m.subscribe((e) => published.push(e));
    for (let h = 0; h < 3; h++) await send(beat(`rf-${h}`, 1));
    await waitFor(() => m.stats().beatsTotal === 3 && m.health().pendingEvents === 3, 'three pending');
    await waitFor(() => attempts >= 2, 'the write retried');
    expect(m.health().storeWriteErrors.events).toBeGreaterThanOrEqual(2);
    expect(m.health().lastEventWriteError?.message).toBe('disk full');
    expect(published).toEqual([]);
    refuse = false;
    await waitFor(() => published.length === 3, 'published after the store accepted them');
    expect(published.map((e) => e.hostId)).toEqual(['rf-0', 'rf-1', 'rf-2']);
    expect(m.health().pendingEvents).toBe(0);
    expect(m.health().lastEventWriteError).toBeUndefined();
    const log = await real.events.list({ types: ['new'] });
    expect(log.map((e) => e.hostId).sort()).toEqual(['rf-0', 'rf-1', 'rf-2']);
  });

  it('records a transition once however often it is written (its transition key)', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const store = await open(dir.path);
    const { m, send } = await start(store);
    const published: HostEvent[] = [];
    m.subscribe((e) => published.push(e));
    await send(beat('tk-1', 1));
    await waitFor(() => published.length === 1, 'new published');
    const e = published[0] as HostEvent;
    const again = await store.events.record([
      { type: e.type, hostId: e.hostId, at: e.at, details: e.details, transitionKey: `tk-1:new:${e.at}` },
    ]);
    expect(again).toEqual([]);
    expect(await store.events.list({ hostId: 'tk-1' })).toHaveLength(1);
  });

  it('flushes beat data in batches and everything on stop', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const store = await open(dir.path);
    const { m, send } = await start(store);
    for (let seq = 1; seq <= 5; seq++) for (let h = 0; h < 20; h++) await send(beat(`fl-${h}`, seq));
    await waitFor(() => m.stats().beatsTotal === 100, 'all beats ingested');
    await waitFor(async () => {
      const rows = await store.hosts.load();
      return rows.length === 20 && rows.every((h) => h.seq === 5);
    }, 'rows flushed');
    await send(beat('fl-0', 6));
    await waitFor(() => m.stats().beatsTotal === 101, 'the last beat ingested');
    await m.stop();
    expect((await store.hosts.load()).find((h) => h.id === 'fl-0')?.seq).toBe(6);
  });

  it('reports one network event, not a down per host, when every host falls silent at once', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const store = await open(dir.path);
    const { m, send } = await start(store);
    const seen: HostEvent[] = [];
    m.subscribe((e) => seen.push(e));
    const hosts = ['p1', 'p2', 'p3', 'p4', 'p5'];
    let seq = 0;
    const round = async () => {
      seq++;
      for (const h of hosts) await send(beat(h, seq, 1000));
    };
    for (let k = 0; k < 3; k++) {
      await round();
      await new Promise((r) => setTimeout(r, 100));
    }
    // Silence: every deadline (last beat + 3 s) passes with nothing heard from anyone.
    await waitFor(() => m.stats().hostsByState.down === 5, 'all five marked down');
    expect(seen.filter((e) => e.type !== 'new').map((e) => e.type)).toEqual(['network']);
    expect(seen.find((e) => e.type === 'network')?.details.count).toBe(5);
    // Beats return: one recovery event and no per-host up/down.
    await round();
    await waitFor(() => seen.some((e) => e.type === 'network-recovered'), 'network-recovered');
    expect(m.stats().hostsByState.up).toBe(5);
    expect(seen.filter((e) => e.type === 'down' || e.type === 'up')).toEqual([]);
    expect(await store.events.list({ types: ['network', 'network-recovered'] })).toHaveLength(2);
  });
});
