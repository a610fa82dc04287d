import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/index.js';
import type { HttpServer } from '../src/http/types.js';
import { openStore } from '../src/store/index.js';
import { FakeMonitor } from './support/fake-monitor.js';
import { freeTcpPort, spawnThump } from './support/proc.js';

let server: HttpServer;

beforeAll(async () => {
  const monitor = new FakeMonitor();
  monitor.setHost({ id: 'web-1', address: '10.0.0.1:43278' });
  monitor.setHost({ id: 'web-2', state: 'down', address: '10.0.0.2:43278' });
  monitor.setHost({
    id: 'db-1',
    labels: { role: 'db' },
    checks: [{ id: 'raid:md0', severity: 1, text: 'degraded' }],
  });
  server = await startHttpServer({
    monitor,
    store: await openStore(':memory:'),
    listen: { host: '127.0.0.1', port: 0 },
  });
});

afterAll(async () => {
  await server?.close();
});

async function run(args: string[]) {
  const p = spawnThump(['status', ...args], { NO_COLOR: '1' });
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

describe('thump status', () => {
  it('prints the hosts as a table with a summary', async () => {
    const { code, out } = await run(['--url', server.url]);
    expect(code).toBe(0);
    expect(out).toMatch(/^STATE\s+HOST\s+ADDRESS/);
    expect(out).toMatch(/\ndown\s+web-2\s+10\.0\.0\.2:43278/);
    expect(out).toContain('raid:md0:warning');
    expect(out).toContain('3 hosts: 2 up, 1 down');
  });

  it('prints JSON and filters by state', async () => {
    const { code, out } = await run(['--url', server.url, '--json', '--state', 'down']);
    expect(code).toBe(0);
    const hosts = JSON.parse(out);
    expect(hosts.map((h: { id: string }) => h.id)).toEqual(['web-2']);
    expect(hosts[0].lastBeatAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reads THUMP_URL and filters by label', async () => {
    const p = spawnThump(['status', '--label', 'role=db', '--json'], { THUMP_URL: server.url });
    expect(await p.exited).toBe(0);
    expect(JSON.parse(p.stdout()).map((h: { id: string }) => h.id)).toEqual(['db-1']);
  });

  it('exits 2 with the API message for a bad state', async () => {
    const { code, err } = await run(['--url', server.url, '--state', 'sideways']);
    expect(code).toBe(2);
    expect(err).toMatch(/^thump: unknown state "sideways"/);
  });

  it('exits 1 with one clear line when the monitor is unreachable', async () => {
    const port = await freeTcpPort();
    const { code, err } = await run(['--url', `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(err).toMatch(/^thump: cannot reach the monitor at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
