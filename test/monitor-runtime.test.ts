import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Monitor } from '../src/monitor/monitor.js';
import type { HostEvent } from '../src/monitor/types.js';
import { encodeBeat, Keyring, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import { type Db, openDb } from '../src/store/db.js';
import { coreMigrations, listEvents, onEventsRecorded } from '../src/store/events.js';
import { loadHosts } from '../src/store/hosts.js';
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

async function start(db: Db) {
  const m = new Monitor({
    db,
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

describe('Monitor runtime (in process, real UDP socket and SQLite file)', () => {
  it('records events durably before publishing them, in the same transaction as outbox hooks', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const db = openDb(join(dir.path, 't.db'), [coreMigrations]);
    cleanups.push(() => {
      db.close();
    });
    const hooked: number[] = [];
    onEventsRecorded(db, (_tx, events) => hooked.push(...events.map((e) => e.id)));
    const { m, send } = await start(db);
    const published: HostEvent[] = [];
    m.subscribe((e) => {
      // Published only after commit: the row is already readable.
      if (listEvents(db, { afterId: e.id - 1, beforeId: e.id + 1 })[0]?.id !== e.id)
        throw new Error('published before commit');
      published.push(e);
    });
    for (let h = 0; h < 10; h++) await send(beat(`rt-${h}`, 1));
    await waitFor(() => published.length === 10, 'ten new events published');
    expect(published.every((e) => e.type === 'new')).toBe(true);
    expect(hooked).toEqual(published.map((e) => e.id));
    // The `new` host rows were written with the events.
    expect(
      loadHosts(db)
        .map((h) => h.id)
        .sort(),
    ).toHaveLength(10);
  });

  it('flushes beat data in batches and everything on stop', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const db = openDb(join(dir.path, 't.db'), [coreMigrations]);
    const { m, send } = await start(db);
    for (let seq = 1; seq <= 5; seq++) for (let h = 0; h < 20; h++) await send(beat(`fl-${h}`, seq));
    await waitFor(() => m.stats().beatsTotal === 100, 'all beats ingested');
    await waitFor(
      () => loadHosts(db).every((h) => h.seq === 5) && loadHosts(db).length === 20,
      'rows flushed',
    );
    await send(beat('fl-0', 6));
    await waitFor(() => m.stats().beatsTotal === 101, 'the last beat ingested');
    await m.stop();
    expect(loadHosts(db).find((h) => h.id === 'fl-0')?.seq).toBe(6);
    db.close();
  });

  it('reports one network event, not a down per host, when every host falls silent at once', async () => {
    const dir = tempDir('thump-rt-');
    cleanups.push(dir.cleanup);
    const db = openDb(join(dir.path, 't.db'), [coreMigrations]);
    cleanups.push(() => {
      db.close();
    });
    const { m, send } = await start(db);
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
    expect(listEvents(db, { types: ['network', 'network-recovered'] })).toHaveLength(2);
  });
});
