import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import type { Silence } from '../notify/types.js';
import { openStore, type Store } from '../store/index.js';
import { ManualClock } from '../util/clock.js';
import { LIMITS } from '../util/limits.js';
import { buildHttpApp } from './app.js';
import { INVALID_TIME } from './json.js';

/** Issue 17's reproductions against the API, and its input limits (fastify.inject, real SQLite). */

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const TOKEN = 'limits-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let store: Store;
let app: FastifyInstance;

beforeEach(async () => {
  store = await openStore(':memory:');
  const monitor = new FakeMonitor();
  for (let i = 0; i < 50; i++) monitor.setHost({ id: `${'a'.repeat(60)}-${i}` }, T0);
  monitor.setHost({ id: 'web-1' }, T0);
  app = buildHttpApp({
    monitor,
    store,
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    clock: new ManualClock(T0),
  });
  await app.ready();
});

/** A silence row as stored, unchecked. */
function rawSilence(hostGlob: string, startsAt: number, endsAt: number): Omit<Silence, 'id'> {
  return { hostGlob, startsAt, endsAt, comment: '', createdBy: '', createdAt: T0, origin: 'api' };
}

afterEach(async () => {
  await app.close();
  await store.close();
});

const post = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/silences', headers: AUTH, payload });

describe('issue 17 reproductions', () => {
  it('1: answers ?id= with 100 stars then x with a 400 naming the limit', async () => {
    const r = await app.inject({ url: `/api/hosts?id=${'*'.repeat(100)}x` });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe(
      'id: the glob has 100 wildcards (*, ?, [...]); at most 32 are allowed (limit globWildcards)',
    );
    const long = await app.inject({ url: `/api/hosts?id=${'a'.repeat(LIMITS.globLength + 1)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatch(/limit globLength/);
    // Within the limits, the worst glob shape is just a glob.
    const ok = await app.inject({ url: `/api/hosts?id=${'*a'.repeat(16)}x` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual([]);
  });

  it('2: refuses a silence of 20 stars then x, and stores nothing', async () => {
    const r = await post({ host: `${'*'.repeat(20)}x${'?'.repeat(20)}`, for: '1h' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/^silence: hostGlob: glob has 40 wildcards.*limit globWildcards/);
    // 20 stars alone are within the limits and harmless: the match is linear.
    const harmless = await post({ host: `${'*'.repeat(20)}x`, for: '1h' });
    expect(harmless.statusCode).toBe(201);
    expect((await app.inject({ url: '/api/hosts' })).statusCode).toBe(200);
    expect(await store.silences.list()).toHaveLength(1);
  });

  it("3: refuses '*a' x 20000 with a 400 and stores nothing", async () => {
    const r = await post({ host: '*a'.repeat(20_000), for: '1h' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/host: .*256/);
    expect(await store.silences.list()).toHaveLength(0);
  });

  it('4: refuses --for 999999999999d and a far until, and stores nothing', async () => {
    const r = await post({ host: 'zz', for: '999999999999d' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe('silence: for must be at most 10 years (limit silenceMaxMs)');
    const until = await post({ host: 'zz', until: '9999-01-01T00:00:00Z' });
    expect(until.statusCode).toBe(400);
    expect(until.json().error).toMatch(/endsAt: must be at most 10 years/);
    const num = await post({ host: 'zz', until: 8.64e19 });
    expect(num.statusCode).toBe(400);
    expect(await store.silences.list()).toHaveLength(0);
    expect((await app.inject({ url: '/api/silences' })).json()).toEqual([]);
  });

  it('shows rows stored by an older version with a placeholder, never a 500', async () => {
    // The store validates nothing (the input schema does, before it is called), so rows
    // like an older version wrote go straight in.
    await store.silences.add(rawSilence('zz', T0, 8.64e19));
    await store.silences.add(rawSilence('*a'.repeat(20_000), T0, T0 + 3_600_000));
    await store.silences.add(rawSilence(`${'*'.repeat(40)}web-1`, T0, T0 + 3_600_000));
    const list = await app.inject({ url: '/api/silences' });
    expect(list.statusCode).toBe(200);
    const rows = list.json() as Array<{ endsAt: string; hostGlob: string }>;
    expect(rows.map((s) => s.endsAt)).toContain(INVALID_TIME);
    // The over-long glob lists (so it can be removed) but covers nothing and breaks nothing.
    for (const url of ['/api/hosts', '/api/ui/hosts', '/api/hosts/web-1']) {
      expect((await app.inject({ url })).statusCode).toBe(200);
    }
    expect((await app.inject({ url: '/api/hosts/web-1' })).json().silencedBy).toBeNull();
  });
});

describe('API input limits', () => {
  it('bounds page sizes and reports the total', async () => {
    const r = await app.inject({ url: `/api/hosts?limit=${LIMITS.hostsPage + 1}` });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(`limit must be between 1 and ${LIMITS.hostsPage}`);
    const page = await app.inject({ url: '/api/hosts?limit=10&state=up' });
    expect(page.json()).toHaveLength(10);
    expect(page.headers['x-total-count']).toBe('51');
    expect(page.headers.link).toBe('</api/hosts?limit=10&state=up&offset=10>; rel="next"');
    const last = await app.inject({ url: '/api/hosts?limit=10&offset=50' });
    expect(last.json()).toHaveLength(1);
    expect(last.headers.link).toBeUndefined();
    for (const url of [
      `/api/events?limit=${LIMITS.eventsPage + 1}`,
      `/api/sweeps?limit=${LIMITS.sweepsPage + 1}`,
      `/api/silences?limit=${LIMITS.silencesPage + 1}`,
      `/api/hosts/web-1?events=${LIMITS.eventsPage + 1}`,
    ]) {
      expect((await app.inject({ url })).statusCode, url).toBe(400);
    }
  });

  it('answers 400 naming the limit for long or repeated query values', async () => {
    const long = await app.inject({ url: `/api/events?host=${'h'.repeat(LIMITS.hostIdLength + 1)}` });
    expect(long.json().error).toMatch(/host is 257 characters long; at most 256 .*limit hostIdLength/);
    const many = await app.inject({ url: `/api/hosts?${'state=up&'.repeat(LIMITS.queryValues + 1)}` });
    expect(many.statusCode).toBe(400);
    expect(many.json().error).toMatch(/state is given 33 times; at most 32 .*limit queryValues/);
    const label = await app.inject({ url: `/api/hosts?label=${'k'.repeat(LIMITS.labelKeyLength + 1)}` });
    expect(label.json().error).toMatch(/limits labelKeyLength/);
  });

  it('bounds every silence field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ host: 'a', for: '1h', comment: 'c'.repeat(LIMITS.commentLength + 1) }, /comment: at most 1024/],
      [{ host: 'a', for: '1h', createdBy: 'c'.repeat(LIMITS.createdByLength + 1) }, /createdBy: at most 128/],
      [{ host: 'a', cron: `0 2 * * 0${' '.repeat(LIMITS.cronLength)}`, duration: '1h' }, /cron: at most 128/],
      [{ host: 'a', cron: '0 2 * * 0', duration: '3651d' }, /duration must be at most 10 years/],
      [{ host: 'a', for: `${'1'.repeat(LIMITS.timeTextLength + 1)}s` }, /for: at most 64 characters/],
      [{ host: 'a', startsAt: -5, for: '1h' }, /startsAt: must not be before 1970/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.json().error).toMatch(message);
    }
    expect(await store.silences.list()).toHaveLength(0);
  });

  it('refuses a silence beyond the active-silence limit', async () => {
    for (let i = 0; i < LIMITS.activeSilences; i++)
      await store.silences.add(rawSilence('x', T0, T0 + 3_600_000));
    const r = await post({ host: 'a', for: '1h' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/at most 1000 are allowed \(limit activeSilences\)/);
  });

  it('answers random query strings with 200 or 400, never a 500 (fixed seed)', async () => {
    const chars = fc.constantFrom('*', '?', '[', ']', '!', 'a', '-', ',', '=', '%2A', '%00', '&', 'x');
    const value = fc.array(chars, { maxLength: 300 }).map((a) => a.join(''));
    const name = fc.constantFrom('id', 'state', 'label', 'q', 'limit', 'offset', 'host', 'type', 'before');
    const path = fc.constantFrom('/api/hosts', '/api/events', '/api/silences', '/api/sweeps');
    await fc.assert(
      fc.asyncProperty(path, fc.array(fc.tuple(name, value), { maxLength: 5 }), async (p, params) => {
        const qs = params.map(([k, v]) => `${k}=${v}`).join('&');
        const r = await app.inject({ url: `${p}?${qs}` });
        expect([200, 400]).toContain(r.statusCode);
      }),
      { seed: 17, numRuns: 300 },
    );
  });
});
