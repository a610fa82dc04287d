import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore, type Store } from '../store/index.js';
import type { SweepResult } from '../sweep/types.js';
import { ManualClock } from '../util/clock.js';
import { buildHttpApp } from './app.js';

const T0 = Date.parse('2026-04-01T00:00:00.000Z');

let app: FastifyInstance;
let store: Store;
/** Writes one result into run-1, as a sweep does. */
let rec: { write(r: SweepResult): Promise<void> };

beforeEach(async () => {
  store = await openStore(':memory:');
  await store.sweeps.begin({ id: 'run-1', startedAt: T0, total: 2, mode: 'local' });
  rec = { write: (r) => store.sweeps.write('run-1', r) };
  await rec.write({
    status: 'ok',
    target: 'alpha.example',
    host: 'alpha.example',
    at: T0 + 100,
    durationMs: 90,
    uptimeSeconds: 7200,
    bootedAt: new Date(T0 - 7_200_000).toISOString(),
    load1: 1.5,
    load5: 1.25,
    load15: 1,
  });
  await rec.write({
    status: 'error',
    target: 'root@bravo.example:2222',
    host: 'bravo.example',
    at: T0 + 200,
    durationMs: 5000,
    errorClass: 'timeout',
    message: 'no answer within 5s',
  });
  await store.sweeps.finish('run-1', T0 + 5000);
  const monitor = new FakeMonitor();
  // Shares its id with the ok swept host: the agent row must win.
  monitor.setHost({ id: 'alpha.example', address: '10.0.0.1:40000', labels: { role: 'web' } }, T0);
  monitor.setHost({ id: 'web-1', labels: { role: 'web' } }, T0);
  app = buildHttpApp({
    monitor,
    store,
    listen: { host: '127.0.0.1', port: 0 },
    clock: new ManualClock(T0 + 1000),
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const hosts = async (query = '') => (await app.inject({ url: `/api/hosts${query}` })).json();

describe('swept hosts beside agent hosts', () => {
  it('lists agent and swept hosts together, the agent row winning on a shared id', async () => {
    const body = await hosts();
    expect(body.map((h: { id: string; source: string; state: string }) => [h.id, h.source, h.state])).toEqual(
      [
        ['alpha.example', 'agent', 'up'],
        ['bravo.example', 'sweep', 'down'],
        ['web-1', 'agent', 'up'],
      ],
    );
    expect(body[0].address).toBe('10.0.0.1:40000');
    expect(body[0]).not.toHaveProperty('sweepError');
    expect(body[1]).toMatchObject({
      address: 'bravo.example',
      lastBeatAt: new Date(T0 + 200).toISOString(),
      lastBeatAgeMs: 800,
      intervalMs: 0,
      uptimeSeconds: 0,
      sweepError: { class: 'timeout', message: 'no answer within 5s' },
    });
  });

  it('shows an ok swept host as up with uptime and load from its last result', async () => {
    await rec.write({
      status: 'ok',
      target: 'charlie.example',
      host: 'charlie.example',
      at: T0 + 300,
      durationMs: 80,
      uptimeSeconds: 600,
      bootedAt: new Date(T0 - 600_000).toISOString(),
      load1: 0.5,
      load5: 0.25,
      load15: 0.125,
    });
    const [charlie] = await hosts('?id=charlie.*');
    expect(charlie).toMatchObject({
      id: 'charlie.example',
      source: 'sweep',
      state: 'up',
      uptimeSeconds: 600,
      load: [0.5, 0.25, 0.125],
      sweepError: null,
    });
  });

  it('applies state, id glob and label filters to swept hosts too', async () => {
    expect((await hosts('?state=down')).map((h: { id: string }) => h.id)).toEqual(['bravo.example']);
    expect((await hosts('?state=up')).map((h: { id: string }) => h.id)).toEqual(['alpha.example', 'web-1']);
    expect((await hosts('?id=b*')).map((h: { id: string }) => h.id)).toEqual(['bravo.example']);
    expect((await hosts('?label=role')).map((h: { id: string }) => h.id)).toEqual(['alpha.example', 'web-1']);
  });

  it('puts swept hosts in the dashboard rows with source and error, and in the summary', async () => {
    const ui = (await app.inject({ url: '/api/ui/hosts' })).json();
    const src = ui.fields.indexOf('source');
    const err = ui.fields.indexOf('sweepError');
    const rows = ui.rows.map((r: unknown[]) => [r[0], r[1], r[src], r[err]]);
    expect(rows).toEqual([
      ['alpha.example', 'up', 'agent', ''],
      ['web-1', 'up', 'agent', ''],
      ['bravo.example', 'down', 'sweep', 'timeout: no answer within 5s'],
    ]);
    expect((await app.inject({ url: '/api/summary' })).json()).toMatchObject({ total: 3, up: 2, down: 1 });
  });

  it('answers the detail page for a swept host and 404 for an unknown one', async () => {
    const r = await app.inject({ url: '/api/hosts/bravo.example' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: 'bravo.example', source: 'sweep', beats: [] });
    expect((await app.inject({ url: '/api/hosts/nope' })).statusCode).toBe(404);
  });

  it('keeps targets apart by their text when several share one host name', async () => {
    await rec.write({
      status: 'error',
      target: 'bravo.example',
      host: 'bravo.example',
      at: T0 + 300,
      durationMs: 10,
      errorClass: 'refused',
      message: 'connection refused',
    });
    const ids = (await hosts('?state=down')).map((h: { id: string }) => h.id);
    expect(ids).toEqual(['bravo.example', 'root@bravo.example:2222']);
  });

  it('gives a swept host the --every interval of the sweep that probed it', async () => {
    const own = await openStore(':memory:');
    await own.sweeps.begin({ id: 'rep', startedAt: T0, total: 1, mode: 'local', everyMs: 60_000 });
    await own.sweeps.write('rep', {
      status: 'ok',
      target: 'delta.example',
      host: 'delta.example',
      at: T0 + 50,
      durationMs: 40,
      uptimeSeconds: 60,
      bootedAt: new Date(T0 - 60_000).toISOString(),
      load1: 0,
      load5: 0,
      load15: 0,
    });
    const other = buildHttpApp({
      monitor: new FakeMonitor(),
      store: own,
      listen: { host: '127.0.0.1', port: 0 },
    });
    const [delta] = (await other.inject({ url: '/api/hosts' })).json();
    expect(delta).toMatchObject({ id: 'delta.example', source: 'sweep', intervalMs: 60_000 });
    await other.close();
    await own.close();
  });
});
