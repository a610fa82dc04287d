import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore, type Store } from '../store/index.js';
import type { SweepResult } from '../sweep/types.js';
import { buildMetricsRegistry } from './metrics.js';
import { allHosts } from './swept-hosts.js';

const T0 = Date.parse('2026-04-01T00:00:00.000Z');

const ok = (host: string, target = host): SweepResult => ({
  status: 'ok',
  target,
  host,
  at: T0 + 100,
  durationMs: 90,
  uptimeSeconds: 7200,
  bootedAt: new Date(T0 - 7_200_000).toISOString(),
  load1: 0.5,
  load5: 0.25,
  load15: 0.1,
});

const failed = (host: string, target = host): SweepResult => ({
  status: 'error',
  target,
  host,
  at: T0 + 200,
  durationMs: 5000,
  errorClass: 'timeout',
  message: 'no answer within 5s',
});

/** A monitor with agent hosts and a store a sweep wrote into (some ids shared). */
async function fleet(): Promise<{ monitor: FakeMonitor; store: Store }> {
  const store = await openStore(':memory:');
  const results = [
    ok('shared.example'), // also an agent host: the agent row wins
    ok('nas.example'),
    ok('printer.example'),
    failed('switch.example'),
    failed('ups.example', 'root@ups.example:2222'),
    ok('ups.example', 'ups.example'), // two targets, one host name: both listed by target
  ];
  await store.sweeps.begin({ id: 'run-1', startedAt: T0, total: results.length, mode: 'local' });
  for (const r of results) await store.sweeps.write('run-1', r);
  await store.sweeps.finish('run-1', T0 + 5000);
  const monitor = new FakeMonitor();
  monitor.setHost({ id: 'shared.example' }, T0);
  monitor.setHost({ id: 'web-1' }, T0);
  monitor.setHost({ id: 'web-2', state: 'down' }, T0);
  monitor.setHost({ id: 'db-1', state: 'left' }, T0);
  return { monitor, store };
}

/** `thump_hosts_by_source` samples as `source/state` → value. */
async function hostsGauge(monitor: FakeMonitor, store?: Store): Promise<Record<string, number>> {
  const reg = buildMetricsRegistry(monitor, undefined, { sseClients: () => 0, ...(store ? { store } : {}) });
  const metric = await reg.getSingleMetric('thump_hosts_by_source')?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) out[`${v.labels.source}/${v.labels.state}`] = v.value;
  return out;
}

describe('thump_hosts (totals by state)', () => {
  it('adds agent and swept hosts per state, without a source label', async () => {
    const { monitor, store } = await fleet();
    const reg = buildMetricsRegistry(monitor, undefined, { sseClients: () => 0, store });
    const metric = await reg.getSingleMetric('thump_hosts')?.get();
    const out = Object.fromEntries((metric?.values ?? []).map((v) => [JSON.stringify(v.labels), v.value]));
    expect(out).toEqual({ '{"state":"up"}': 5, '{"state":"down"}': 3, '{"state":"left"}': 1 });
  });
});

describe('thump_udp_kernel_drops_total', () => {
  it('is exported when the receiver can see kernel drops, absent otherwise', async () => {
    const { monitor } = await fleet();
    const text = async () => buildMetricsRegistry(monitor, undefined, { sseClients: () => 0 }).metrics();
    expect(await text()).not.toMatch(/^thump_udp_kernel_drops_total \d/m);
    const stats = monitor.stats.bind(monitor);
    monitor.stats = () => ({ ...stats(), udpKernelDrops: 17 });
    expect(await text()).toContain('thump_udp_kernel_drops_total 17');
  });
});

describe('thump_hosts_by_source', () => {
  it('counts agent and swept hosts by state with a source label, as /api/hosts lists them', async () => {
    const { monitor, store } = await fleet();
    expect(await hostsGauge(monitor, store)).toEqual({
      'agent/up': 2,
      'agent/down': 1,
      'agent/left': 1,
      'sweep/up': 3,
      'sweep/down': 2,
    });
  });

  it('agrees with the merged host list behind /api/hosts and /api/summary', async () => {
    const { monitor, store } = await fleet();
    const expected: Record<string, number> = {};
    for (const h of await allHosts(monitor.hosts(), store)) {
      const key = `${h.source}/${h.state}`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    const gauge = await hostsGauge(monitor, store);
    expect(Object.fromEntries(Object.entries(gauge).filter(([, v]) => v > 0))).toEqual(expected);
  });

  it('exports the sweep series at 0 when the store holds no sweep yet', async () => {
    const { monitor } = await fleet();
    const gauge = await hostsGauge(monitor, await openStore(':memory:'));
    expect(gauge['sweep/up']).toBe(0);
    expect(gauge['sweep/down']).toBe(0);
    expect(gauge['agent/up']).toBe(2);
  });

  it('reads the store once for every gauge of back-to-back scrapes (cached for a second)', async () => {
    const { monitor, store } = await fleet();
    let reads = 0;
    const sweeps: Store['sweeps'] = Object.assign(Object.create(store.sweeps), {
      latest: () => {
        reads++;
        return store.sweeps.latest();
      },
    });
    const counted: Store = Object.assign(Object.create(store), { sweeps });
    const reg = buildMetricsRegistry(monitor, undefined, { sseClients: () => 0, store: counted });
    const first = await reg.metrics();
    expect(first).toMatch(/^thump_hosts_by_source\{state="up",source="sweep"\} 3$/m);
    expect(first).toMatch(/^thump_sweep_last_run_hosts\{class="timeout"\} 2$/m);
    await reg.metrics();
    expect(reads).toBe(1);
  });

  it('has agent series only when no store is given', async () => {
    const { monitor } = await fleet();
    expect(await hostsGauge(monitor)).toEqual({ 'agent/up': 2, 'agent/down': 1, 'agent/left': 1 });
  });
});
