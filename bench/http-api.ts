/**
 * HTTP API costs at fleet scale, in one process, against a baseline measured alongside:
 * the bare `JSON.stringify(monitor.hosts())` (the least any JSON host list can cost).
 *   node --import tsx bench/http-api.ts [hosts=10000] [rounds=20] [store=sqlite|postgres]
 * `postgres` runs the same requests over a throw-away local PostgreSQL (test/support/postgres.ts):
 * every host request then pays the store's round trips (latest sweeps, active silences).
 */
import { buildHttpApp } from '../src/http/app.js';
import { openStore } from '../src/store/index.js';
import { FakeMonitor } from '../test/support/fake-monitor.js';
import { type PgCluster, startPostgres } from '../test/support/postgres.js';

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 20);
const BACKEND = process.argv[4] ?? 'sqlite';
if (BACKEND !== 'sqlite' && BACKEND !== 'postgres')
  throw new Error(`store must be sqlite or postgres, got ${BACKEND}`);
const cluster: PgCluster | undefined = BACKEND === 'postgres' ? await startPostgres() : undefined;
const store = await openStore(cluster ? await cluster.createDatabase('bench') : ':memory:');

const monitor = new FakeMonitor();
const now = Date.now();
for (let i = 0; i < N; i++) {
  monitor.setHost(
    {
      id: `host-${String(i).padStart(6, '0')}`,
      address: `10.0.${(i >> 8) & 255}.${i & 255}:43278`,
      labels: { role: i % 2 ? 'web' : 'db', dc: 'fra1' },
      checks: [{ id: 'temp:cpu', severity: 0, text: '48 C' }],
      load: [0.5, 0.4, 0.3],
    },
    now,
  );
}
const app = buildHttpApp({
  monitor,
  store,
  listen: { host: '127.0.0.1', port: 0 },
});
await app.ready();

async function time(
  label: string,
  fn: () => Promise<number> | number,
): Promise<{ ms: number; bytes: number }> {
  await fn(); // warm-up
  const samples: number[] = [];
  let bytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    bytes = await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const ms = samples[Math.floor(samples.length / 2)] as number;
  console.log(`${label.padEnd(34)} median ${ms.toFixed(1).padStart(7)} ms  ${(bytes / 1e6).toFixed(2)} MB`);
  return { ms, bytes };
}

console.log(`thump HTTP bench: ${N} hosts, ${ROUNDS} rounds, ${BACKEND} store, node ${process.version}`);
const base = await time('baseline JSON.stringify(hosts())', () => JSON.stringify(monitor.hosts()).length);
const full = await time(
  'GET /api/hosts (full JSON)',
  async () => (await app.inject({ url: '/api/hosts' })).body.length,
);
const compact = await time(
  'GET /api/ui/hosts (dashboard)',
  async () => (await app.inject({ url: '/api/ui/hosts' })).body.length,
);
const metrics = await time('GET /metrics', async () => (await app.inject({ url: '/metrics' })).body.length);
console.log(
  `ratios vs baseline: /api/hosts ${(full.ms / base.ms).toFixed(2)}x, /api/ui/hosts ${(compact.ms / base.ms).toFixed(2)}x (${(compact.bytes / full.bytes).toFixed(2)} of the full size), /metrics ${(metrics.ms / base.ms).toFixed(3)}x`,
);
await app.close();
await store.close();
await cluster?.stop();
