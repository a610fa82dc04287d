/**
 * The HTTP layer over a PostgreSQL-backed store (a real throw-away server): the read routes
 * answer from what is stored, silence writes go to the store, /healthz degrades while the
 * server is down and recovers when it is back. The monitor part is a fake (in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/index.js';
import type { HttpServer } from '../src/http/types.js';
import { openStore, type Store } from '../src/store/index.js';
import { FakeMonitor } from './support/fake-monitor.js';
import { type PgCluster, startPostgres } from './support/postgres.js';
import { waitFor } from './support/proc.js';

const TOKEN = 'pg-http-token-0123456789abcdef';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const AUTH = { ...BEARER, 'content-type': 'application/json' };

let cluster: PgCluster;
let store: Store;
let monitor: FakeMonitor;
let server: HttpServer;

beforeAll(async () => {
  cluster = await startPostgres();
  store = await openStore(await cluster.createDatabase('http'));
  monitor = new FakeMonitor(store);
  const now = Date.now();
  for (const id of ['web-1', 'web-2', 'db-1']) monitor.setHost({ id }, now);
  // Hosts the store knows only from a sweep (agentless): listed beside the agent hosts.
  await store.sweeps.begin({ id: 'run-1', startedAt: now - 5000, total: 1, mode: 'local' });
  await store.sweeps.write('run-1', {
    status: 'ok',
    target: 'nas.example',
    host: 'nas.example',
    at: now - 4000,
    durationMs: 50,
    uptimeSeconds: 3600,
    bootedAt: new Date(now - 3_600_000).toISOString(),
    load1: 0.1,
    load5: 0.1,
    load15: 0.1,
  });
  await store.sweeps.finish('run-1', now - 3000);
  for (let i = 0; i < 5; i++)
    await monitor.emit({
      type: i % 2 ? 'down' : 'up',
      hostId: 'web-1',
      at: now - 10_000 + i,
      details: { i },
    });
  server = await startHttpServer({ monitor, store, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await store?.close().catch(() => {});
  await cluster?.stop();
});

const get = async (path: string) => {
  const r = await fetch(`${server.url}${path}`);
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
  return { status: r.status, headers: r.headers, body: (await r.json()) as any };
};

describe('the HTTP API on a PostgreSQL store', () => {
  it('lists agent hosts and the swept hosts PostgreSQL holds', async () => {
    const { status, body } = await get('/api/hosts');
    expect(status).toBe(200);
    expect(body.map((h: { id: string; source: string }) => `${h.id}/${h.source}`)).toEqual([
      'db-1/agent',
      'nas.example/sweep',
      'web-1/agent',
      'web-2/agent',
    ]);
    expect((await get('/api/sweeps')).body.map((r: { id: string }) => r.id)).toEqual(['run-1']);
  });

  it('pages /api/events from the stored log, newest first', async () => {
    const first = await get('/api/events?limit=2');
    expect(first.body.map((e: { details: { i: number } }) => e.details.i)).toEqual([4, 3]);
    const next = first.headers.get('x-next-cursor');
    expect(next).toBeTruthy();
    const second = await get(`/api/events?limit=2&before=${next}`);
    expect(second.body.map((e: { details: { i: number } }) => e.details.i)).toEqual([2, 1]);
    const host = await get('/api/hosts/web-1?events=3');
    expect(host.body.events).toHaveLength(3);
  });

  it('adds and removes a silence through the store, and shows it on the host', async () => {
    const add = await fetch(`${server.url}/api/silences`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ host: 'web-*', for: '1h', comment: 'deploy' }),
    });
    expect(add.status).toBe(201);
    const s = (await add.json()) as { id: number; hostGlob: string };
    expect(s.hostGlob).toBe('web-*');
    expect((await store.silences.get(s.id))?.comment).toBe('deploy');
    const hosts = (await get('/api/hosts')).body as { id: string; silencedBy: number | null }[];
    expect(hosts.find((h) => h.id === 'web-2')?.silencedBy).toBe(s.id);
    expect(hosts.find((h) => h.id === 'db-1')?.silencedBy).toBeNull();
    const bad = await fetch(`${server.url}/api/silences`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ host: '', for: '1h' }),
    });
    expect(bad.status).toBe(400);
    const del = await fetch(`${server.url}/api/silences/${s.id}`, { method: 'DELETE', headers: BEARER });
    expect(del.status).toBe(204);
    expect(await store.silences.get(s.id)).toBeUndefined();
    expect(
      (await fetch(`${server.url}/api/silences/${s.id}`, { method: 'DELETE', headers: BEARER })).status,
    ).toBe(404);
  });

  it('degrades /healthz while PostgreSQL is stopped and recovers when it is back', async () => {
    expect((await get('/healthz')).body).toMatchObject({ status: 'ok', db: 'ok' });
    await cluster.stopServer();
    try {
      const down = await get('/healthz');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'degraded', db: 'error' });
      expect(down.body.reasons).toContain('db: the database does not answer');
      // A read route that needs the store answers 503 (retry), not a hang, a crash or a 500.
      const events = await get('/api/events');
      expect(events.status).toBe(503);
      expect(events.headers.get('retry-after')).toBe('5');
      expect(events.body.error).not.toContain(cluster.password);
    } finally {
      await cluster.startServer();
    }
    await waitFor(
      async () => (await get('/healthz')).status === 200 || undefined,
      'healthz ok again',
      20_000,
    );
    expect((await get('/api/events?limit=1')).status).toBe(200);
  }, 60_000);
});
