import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore } from '../store/index.js';
import { ManualClock } from '../util/clock.js';
import { buildHttpApp } from './app.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const TOKEN = 'test-token-0123456789abcdef';

let monitor: FakeMonitor;
let app: FastifyInstance;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(T0);
  monitor = new FakeMonitor(await openStore(':memory:'));
  monitor.setHost({ id: 'web-1', labels: { role: 'web' }, lastBeatAt: T0 - 2000 }, T0);
  monitor.setHost({ id: 'web-2', labels: { role: 'web' }, state: 'down' }, T0);
  monitor.setHost(
    { id: 'db-1', labels: { role: 'db' }, checks: [{ id: 'disk:/', severity: 2, text: '97% used' }] },
    T0,
  );
  app = buildHttpApp({
    monitor,
    store: monitor.store as NonNullable<FakeMonitor['store']>,
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    clock,
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await monitor.store?.close();
});

const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url });
  return {
    status: r.statusCode,
    body: String(r.headers['content-type']).includes('json') ? r.json() : r.body,
    r,
  };
};

describe('GET /api/hosts', () => {
  it('lists every host with ISO timestamps and the fields the issue requires', async () => {
    const { status, body } = await get('/api/hosts');
    expect(status).toBe(200);
    expect(body.map((h: { id: string }) => h.id)).toEqual(['db-1', 'web-1', 'web-2']);
    const web1 = body[1];
    expect(web1).toMatchObject({
      id: 'web-1',
      state: 'up',
      address: '127.0.0.1:40000',
      lastBeatAt: '2026-01-02T03:04:03.000Z',
      lastBeatAgeMs: 2000,
      uptimeSeconds: 86400,
      intervalMs: 5000,
      checkStatus: 'ok',
    });
    expect(body[0].checkStatus).toBe('critical');
    expect(body[0].checks).toEqual([{ id: 'disk:/', severity: 'critical', text: '97% used' }]);
  });

  it('filters by state, id glob, label and text', async () => {
    expect((await get('/api/hosts?state=down')).body.map((h: { id: string }) => h.id)).toEqual(['web-2']);
    expect((await get('/api/hosts?state=up,down&id=web-*')).body.map((h: { id: string }) => h.id)).toEqual([
      'web-1',
      'web-2',
    ]);
    expect((await get('/api/hosts?label=role=db')).body.map((h: { id: string }) => h.id)).toEqual(['db-1']);
    expect((await get('/api/hosts?label=role')).body).toHaveLength(3);
    expect((await get('/api/hosts?q=EB-2')).body.map((h: { id: string }) => h.id)).toEqual(['web-2']);
  });

  it('answers 400 with a message for an unknown state or bad limit', async () => {
    const a = await get('/api/hosts?state=sideways');
    expect(a.status).toBe(400);
    expect(a.body.error).toMatch(/unknown state "sideways"/);
    const b = await get('/api/hosts?limit=abc');
    expect(b.status).toBe(400);
    expect(b.body.error).toMatch(/limit must be an integer/);
  });
});

describe('GET /api/ui/hosts', () => {
  it('lists every host as a compact row with the server time', async () => {
    const { status, body, r } = await get('/api/ui/hosts');
    expect(status).toBe(200);
    expect(r.headers['x-server-time']).toBe(String(T0));
    expect(body.now).toBe(T0);
    expect(body.fields.slice(0, 4)).toEqual(['id', 'state', 'address', 'lastBeatAt']);
    const db1 = body.rows.find((row: unknown[]) => row[0] === 'db-1');
    expect(db1[9]).toBe(2);
    expect(db1[10]).toEqual([['disk:/', 2, '97% used']]);
    expect(db1[11]).toEqual({ role: 'db' });
  });
});

describe('GET /api/hosts/:id', () => {
  it('shows one host with its events and beat gaps', async () => {
    await monitor.emit({ type: 'new', hostId: 'web-1', at: T0 - 10_000, details: {} });
    await monitor.emit({ type: 'down', hostId: 'web-2', at: T0 - 5_000, details: {} });
    monitor.history.set('web-1', [T0 - 10_000, T0 - 5_000, T0 - 200]);
    const { status, body } = await get('/api/hosts/web-1');
    expect(status).toBe(200);
    expect(body.id).toBe('web-1');
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['new']);
    expect(body.beats.map((b: { gapMs: number | null }) => b.gapMs)).toEqual([null, 5000, 4800]);
    expect(body.beats[2].latenessMs).toBe(-200);
  });

  it('answers 404 JSON for an unknown host', async () => {
    const { status, body } = await get('/api/hosts/nope');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'unknown host "nope"', statusCode: 404 });
  });
});

describe('GET /api/events', () => {
  beforeEach(async () => {
    for (let i = 0; i < 25; i++) {
      await monitor.emit({
        type: i % 2 ? 'down' : 'up',
        hostId: `web-${i % 3}`,
        at: T0 + i * 1000,
        details: { i },
      });
    }
  });

  it('returns the newest events first, limited', async () => {
    const { status, body, r } = await get('/api/events?limit=3');
    expect(status).toBe(200);
    expect(body.map((e: { id: number }) => e.id)).toEqual([25, 24, 23]);
    expect(body[0]).toEqual({
      id: 25,
      type: 'up',
      hostId: 'web-0',
      at: new Date(T0 + 24_000).toISOString(),
      details: { i: 24 },
    });
    expect(r.headers['x-next-cursor']).toBe('c23');
  });

  it('pages backwards with the cursor from the Link header', async () => {
    const first = await get('/api/events?limit=10&type=down');
    const link = String(first.r.headers.link);
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] as string;
    expect(next).toContain('type=down');
    const second = await get(next);
    const ids = [...first.body, ...second.body].map((e: { id: number }) => e.id);
    expect(ids).toEqual([24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2]);
  });

  it('bounds by time', async () => {
    const since = new Date(T0 + 20_000).toISOString();
    const until = new Date(T0 + 23_000).toISOString();
    const { body } = await get(`/api/events?since=${since}&until=${until}`);
    expect(body.map((e: { id: number }) => e.id)).toEqual([23, 22, 21]);
  });

  it('answers 400 for a bad cursor, time or type', async () => {
    for (const q of [
      'before=zzz',
      'after=c-1',
      'since=yesterday',
      'since=March%207', // Date.parse reads this (as 2001)
      'until=2026-02-30T00:00:00Z', // Date.parse reads this as March 2
      'until=2026-01-31T02:00:00', // no timezone
      'type=exploded',
      'limit=0',
    ]) {
      const { status, body } = await get(`/api/events?${q}`);
      expect(status, q).toBe(400);
      expect(typeof body.error).toBe('string');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe('GET /metrics', () => {
  it('exposes hosts by state, beats, rejections, lateness histogram and process metrics', async () => {
    monitor.counters.beatsTotal = 42;
    monitor.counters.rejected = { 'bad-mac': 3 };
    monitor.lateness = { bounds: [10, 100], counts: [1, 2, 1], sum: 250, count: 4 };
    const { status, body, r } = await get('/metrics');
    expect(status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(body).toContain('thump_hosts{state="up"} 2');
    expect(body).toContain('thump_hosts{state="down"} 1');
    expect(body).toContain('thump_beats_total 42');
    expect(body).toContain('thump_packets_rejected_total{reason="bad-mac"} 3');
    expect(body).toContain('thump_packets_rejected_total{reason="replay"} 0');
    expect(body).toContain('thump_detection_lateness_seconds_bucket{le="0.01"} 1');
    expect(body).toContain('thump_detection_lateness_seconds_bucket{le="0.1"} 3');
    expect(body).toContain('thump_detection_lateness_seconds_bucket{le="+Inf"} 4');
    expect(body).toContain('thump_detection_lateness_seconds_sum 0.25');
    expect(body).toContain('process_cpu_user_seconds_total');
  });
});

describe('misc routes', () => {
  it('answers /healthz', async () => {
    const { status, body } = await get('/healthz');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('answers /api/info and /api/summary', async () => {
    expect((await get('/api/info')).body).toMatchObject({
      name: 'thump',
      hosts: { up: 2, down: 1, left: 0 },
    });
    expect((await get('/api/summary')).body).toMatchObject({ total: 3, up: 2, down: 1, checksFailing: 1 });
  });

  it('answers an unknown API route with 404 JSON', async () => {
    const { status, body } = await get('/api/nothing-here');
    expect(status).toBe(404);
    expect(body.error).toMatch(/no route GET \/api\/nothing-here/);
  });
});
