import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore } from '../store/index.js';
import { buildHttpApp } from './app.js';

const T0 = Date.parse('2026-04-01T00:00:00.000Z');

describe('sweep routes', () => {
  it('lists runs, shows one run with per-host results, and the latest state per agentless host', async () => {
    const store = await openStore(':memory:');
    await store.sweeps.begin({ id: 'run-1', startedAt: T0, total: 2, mode: 'local' });
    await store.sweeps.write('run-1', {
      status: 'ok',
      target: 'a.example',
      host: 'a.example',
      at: T0 + 100,
      durationMs: 90,
      uptimeSeconds: 3600,
      bootedAt: new Date(T0 - 3_600_000).toISOString(),
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
    });
    await store.sweeps.write('run-1', {
      status: 'error',
      target: 'root@b.example:2222',
      host: 'b.example',
      at: T0 + 200,
      durationMs: 5000,
      errorClass: 'timeout',
      message: 'no answer within 5s',
    });
    await store.sweeps.finish('run-1', T0 + 5000);
    const app = buildHttpApp({ monitor: new FakeMonitor(), store, listen: { host: '127.0.0.1', port: 0 } });
    const runs = (await app.inject({ url: '/api/sweeps' })).json();
    expect(runs).toEqual([
      {
        id: 'run-1',
        startedAt: new Date(T0).toISOString(),
        finishedAt: new Date(T0 + 5000).toISOString(),
        total: 2,
        ok: 1,
        failed: 1,
        mode: 'local',
      },
    ]);
    const run = (await app.inject({ url: '/api/sweeps/run-1' })).json();
    expect(run.results.map((r: { target: string; status: string }) => [r.target, r.status])).toEqual([
      ['a.example', 'ok'],
      ['root@b.example:2222', 'error'],
    ]);
    expect(run.results[1]).toMatchObject({ errorClass: 'timeout', at: new Date(T0 + 200).toISOString() });
    const hosts = (await app.inject({ url: '/api/sweep-hosts' })).json();
    expect(hosts.map((h: { target: string; state: string }) => h.state)).toEqual(['up', 'down']);
    expect((await app.inject({ url: '/api/sweeps/nope' })).statusCode).toBe(404);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('thump_sweep_last_run_hosts{class="timeout"} 1');
    expect(metrics).toContain('thump_sweep_last_run_duration_seconds 5');
    await app.close();
    await store.close();
  });

  it('answers empty lists when the store holds no sweep', async () => {
    const app = buildHttpApp({
      monitor: new FakeMonitor(),
      store: await openStore(':memory:'),
      listen: { host: '127.0.0.1', port: 0 },
    });
    expect((await app.inject({ url: '/api/sweeps' })).json()).toEqual([]);
    expect((await app.inject({ url: '/api/sweep-hosts' })).json()).toEqual([]);
    expect((await app.inject({ url: '/api/sweeps/x' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    await app.close();
  });
});
