import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../monitor/types.js';
import { openDb } from './db.js';
import { coreMigrations, lastEventId, listEvents, onEventsRecorded, recordEvents } from './events.js';
import { loadHosts, type StoredHost, saveHosts } from './hosts.js';

function db() {
  return openDb(':memory:', [coreMigrations]);
}

describe('recordEvents', () => {
  it('assigns increasing ids and lists them newest first', () => {
    const d = db();
    const rec = recordEvents(d, [
      { type: 'new', hostId: 'a', at: 1000, details: {} },
      { type: 'down', hostId: 'a', at: 2000, details: { lastBeatAt: 1000 } },
    ]);
    expect(rec.map((e) => e.id)).toEqual([1, 2]);
    const list = listEvents(d, { limit: 10 });
    expect(list.map((e) => e.type)).toEqual(['down', 'new']);
    expect(list[0]?.details).toEqual({ lastBeatAt: 1000 });
    expect(lastEventId(d)).toBe(2);
  });

  it('runs registered hooks inside the same transaction and rolls back when one throws', () => {
    const d = db();
    d.exec('CREATE TABLE outbox (event_id INTEGER)');
    const seen: HostEvent[][] = [];
    const off = onEventsRecorded(d, (tx, events) => {
      expect(tx.inTransaction).toBe(true);
      seen.push(events);
      for (const e of events) tx.prepare('INSERT INTO outbox VALUES (?)').run(e.id);
    });
    recordEvents(d, [{ type: 'up', hostId: 'b', at: 5, details: {} }]);
    expect(seen).toHaveLength(1);
    expect(d.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    const offBad = onEventsRecorded(d, () => {
      throw new Error('boom');
    });
    expect(() => recordEvents(d, [{ type: 'down', hostId: 'b', at: 6, details: {} }])).toThrow('boom');
    expect(listEvents(d)).toHaveLength(1);
    expect(d.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    offBad();
    off();
    recordEvents(d, [{ type: 'down', hostId: 'b', at: 7, details: {} }]);
    expect(seen).toHaveLength(2);
  });

  it('filters by host, types, time window and id cursors', () => {
    const d = db();
    const evs = [];
    for (let i = 0; i < 10; i++) {
      evs.push({
        type: i % 2 ? ('down' as const) : ('up' as const),
        hostId: i < 5 ? 'x' : 'y',
        at: i * 100,
        details: {},
      });
    }
    recordEvents(d, evs);
    expect(listEvents(d, { hostId: 'x' }).map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    expect(listEvents(d, { types: ['down'] }).map((e) => e.id)).toEqual([10, 8, 6, 4, 2]);
    expect(listEvents(d, { since: 300, until: 600 }).map((e) => e.id)).toEqual([6, 5, 4]);
    expect(listEvents(d, { beforeId: 4, limit: 2 }).map((e) => e.id)).toEqual([3, 2]);
    expect(listEvents(d, { afterId: 8 }).map((e) => e.id)).toEqual([10, 9]);
  });
});

describe('hosts store', () => {
  it('saves and restores every field of a host', () => {
    const d = db();
    const h: StoredHost = {
      id: 'web-1',
      state: 'down',
      source: 'agent',
      address: '10.0.0.1:4000',
      firstSeenAt: 1,
      lastBeatAt: 2,
      stateSince: 3,
      bootId: '0123456789abcdef',
      seq: 42,
      sentAt: 2,
      intervalMs: 1000,
      timeoutMs: 3000,
      uptimeSeconds: 12.5,
      load: [0.1, 0.2, 0.3],
      memTotalBytes: 1e9,
      memAvailableBytes: 5e8,
      diskTotalBytes: 1e10,
      diskUsedBytes: 1e9,
      checks: [{ id: 'disk:/', severity: 1, text: 'full' }],
      labels: { role: 'web' },
      flapping: true,
      flapBits: 0b1011,
    };
    saveHosts(d, [h]);
    saveHosts(d, [{ ...h, seq: 43 }]);
    expect(loadHosts(d)).toEqual([{ ...h, seq: 43 }]);
  });
});
