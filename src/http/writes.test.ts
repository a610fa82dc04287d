import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import type { NotifierStatus, NotifyView } from '../notify/types.js';
import { openStore, type Store } from '../store/index.js';
import { ManualClock } from '../util/clock.js';
import { buildHttpApp } from './app.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const TOKEN = 'write-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

class FakeNotify implements NotifyView {
  tested: string[] = [];
  failNext: string | undefined;
  statuses: NotifierStatus[] = [
    {
      name: 'ops-slack',
      type: 'slack',
      state: 'ok',
      sent: 3,
      failedAttempts: 1,
      failuresByReason: { timeout: 1 },
    },
    {
      name: 'pager',
      type: 'webhook',
      state: 'failed',
      sent: 0,
      failedAttempts: 2,
      lastError: 'HTTP 401 from hooks.example.com',
      lastErrorAt: T0 - 1000,
      failuresByReason: { 'http-4xx': 2 },
    },
  ];
  notifiers() {
    return this.statuses;
  }
  async test(name: string) {
    if (this.failNext) throw new Error(this.failNext);
    this.tested.push(name);
  }
  outboxDepth() {
    return 7;
  }
}

let store: Store;
let app: FastifyInstance;
let notify: FakeNotify;

beforeEach(async () => {
  store = await openStore(':memory:');
  notify = new FakeNotify();
  const monitor = new FakeMonitor();
  monitor.setHost({ id: 'web-1' }, T0);
  app = buildHttpApp({
    monitor,
    store,
    notify,
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    clock: new ManualClock(T0),
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

describe('events from the store', () => {
  it('reads recorded events newest first and pages with a cursor', async () => {
    await store.events.record([
      { type: 'new', hostId: 'web-1', at: T0 - 3000, details: {} },
      { type: 'down', hostId: 'web-1', at: T0 - 2000, details: {} },
      { type: 'up', hostId: 'web-1', at: T0 - 1000, details: {} },
    ]);
    const first = await app.inject({ url: '/api/events?limit=2' });
    expect(first.json().map((e: { type: string }) => e.type)).toEqual(['up', 'down']);
    const second = await app.inject({ url: `/api/events?limit=2&before=${first.headers['x-next-cursor']}` });
    expect(second.json().map((e: { type: string }) => e.type)).toEqual(['new']);
    const detail = await app.inject({ url: '/api/hosts/web-1' });
    expect(detail.json().events).toHaveLength(3);
  });
});

describe('silences', () => {
  it('creates, lists, shows and deletes a silence with the token', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: AUTH,
      payload: { host: 'web-*', for: '2h', comment: 'kernel upgrade' },
    });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({
      hostGlob: 'web-*',
      state: 'active',
      startsAt: new Date(T0).toISOString(),
      endsAt: new Date(T0 + 7_200_000).toISOString(),
      comment: 'kernel upgrade',
      origin: 'api',
    });
    expect(created.headers.location).toBe(`/api/silences/${s.id}`);
    expect((await app.inject({ url: '/api/silences' })).json()).toHaveLength(1);
    expect((await app.inject({ url: `/api/silences/${s.id}` })).json().id).toBe(s.id);
    const del = await app.inject({ method: 'DELETE', url: `/api/silences/${s.id}`, headers: AUTH });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/silences' })).json()).toHaveLength(0);
    const again = await app.inject({ method: 'DELETE', url: `/api/silences/${s.id}`, headers: AUTH });
    expect(again.statusCode).toBe(404);
  });

  it('marks the hosts a silence covers in the host lists', async () => {
    const before = (await app.inject({ url: '/api/hosts' })).json();
    expect(before[0].silencedBy).toBeNull();
    const s = (
      await app.inject({
        method: 'POST',
        url: '/api/silences',
        headers: AUTH,
        payload: { host: 'web-*', for: '1h' },
      })
    ).json();
    expect((await app.inject({ url: '/api/hosts' })).json()[0].silencedBy).toBe(s.id);
    expect((await app.inject({ url: '/api/hosts/web-1' })).json().silencedBy).toBe(s.id);
    const compact = (await app.inject({ url: '/api/ui/hosts' })).json();
    expect(compact.fields[13]).toBe('silencedBy');
    expect(compact.rows[0][13]).toBe(s.id);
  });

  it('refuses writes without a token or with a wrong one (401 JSON)', async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/api/silences',
      payload: { host: 'x', for: '1h' },
    });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toMatch(/missing bearer token/);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await app.inject({
      method: 'DELETE',
      url: '/api/silences/1',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid bearer token');
    expect(wrong.body).not.toContain(TOKEN);
  });

  it('answers 400 for malformed JSON and for a silence it cannot accept', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"host": "web-*", ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/malformed JSON/);
    expect(bad.body).not.toMatch(/node_modules|\.js:\d+/);
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: AUTH,
      payload: { host: 'web-*', for: 'forever' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatch(/for must be a duration/);
    const badId = await app.inject({ url: '/api/silences/abc' });
    expect(badId.statusCode).toBe(400);
    const unknown = await app.inject({ url: '/api/silences/999' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('notifiers', () => {
  it('lists notifier health without secrets', async () => {
    const r = await app.inject({ url: '/api/notifiers' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.outboxDepth).toBe(7);
    expect(body.notifiers[1]).toMatchObject({
      name: 'pager',
      state: 'failed',
      lastError: 'HTTP 401 from hooks.example.com',
      lastErrorAt: new Date(T0 - 1000).toISOString(),
    });
  });

  it('sends a test through a notifier with the token; 404 unknown; 502 when it fails', async () => {
    const ok = await app.inject({ method: 'POST', url: '/api/notifiers/ops-slack/test', headers: AUTH });
    expect(ok.statusCode).toBe(200);
    expect(notify.tested).toEqual(['ops-slack']);
    const missing = await app.inject({ method: 'POST', url: '/api/notifiers/nope/test', headers: AUTH });
    expect(missing.statusCode).toBe(404);
    notify.failNext = 'HTTP 500 from hooks.example.com';
    const failed = await app.inject({ method: 'POST', url: '/api/notifiers/pager/test', headers: AUTH });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error).toMatch(/HTTP 500/);
    const noAuth = await app.inject({ method: 'POST', url: '/api/notifiers/ops-slack/test' });
    expect(noAuth.statusCode).toBe(401);
  });

  it('exports notifier counters and outbox depth in /metrics', async () => {
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toContain('thump_notifications_sent_total{notifier="ops-slack"} 3');
    expect(text).toContain('thump_notifications_failed_total{notifier="pager",reason="http-4xx"} 2');
    expect(text).toContain('thump_outbox_depth 7');
  });
});
