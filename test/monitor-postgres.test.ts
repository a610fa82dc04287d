/**
 * `thump monitor --db postgres://…` end to end: a real throw-away PostgreSQL, a real
 * monitor process (built CLI), a real agent process and a loopback webhook receiver.
 * The host is `new` on its first beat, `down` once the agent is killed (notified once),
 * and after a monitor restart it is restored from PostgreSQL: not `new` again, and the
 * `down` already sent is not sent again. And `thump sweep --db postgres://…` stores its run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../src/monitor/types.js';
import { openStore } from '../src/store/index.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { writeSecret } from './support/pipeline-fleet.js';
import { hookPayloads } from './support/pipeline-monitor.js';
import { type PgCluster, startPostgres } from './support/postgres.js';
import { freeUdpPort, type Proc, spawnThump, tempDir, waitFor } from './support/proc.js';
import { closedPort } from './support/sweep-bad-servers.js';

let pgc: PgCluster;
let hook: CaptureServer;
const dir = tempDir('thump-monitor-pg-');
const procs: Proc[] = [];

beforeAll(async () => {
  pgc = await startPostgres();
  hook = await startCaptureServer();
}, 120_000);

afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await hook?.close();
  await pgc?.stop();
  dir.cleanup();
});

/** The events of one host as the store has them, oldest first. */
async function eventsOf(url: string, hostId: string): Promise<HostEvent[]> {
  const store = await openStore(url);
  try {
    return (await store.events.list({ hostId })).reverse();
  } finally {
    await store.close();
  }
}

/** Starts `thump monitor` and waits for its "listening" log line (HTTP is off). */
async function startMonitor(configPath: string): Promise<Proc> {
  const p = spawnThump(['monitor', '--config', configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
  procs.push(p);
  try {
    await waitFor(
      () => {
        if (p.child.exitCode !== null) throw new Error(`monitor exited ${p.child.exitCode}`);
        return p.stdout().includes('monitor listening on UDP');
      },
      'the monitor to listen',
      45_000,
      100,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nstdout: ${p.stdout().slice(-2000)}\nstderr: ${p.stderr()}`);
  }
  return p;
}

function startAgent(configPath: string): Proc {
  const p = spawnThump(['agent', '--config', configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
  procs.push(p);
  return p;
}

/** The `down` events of `hostId` the webhook was sent, over every batch. */
function downsSent(hostId: string): number {
  return hookPayloads(hook)
    .flatMap((p) => p.events)
    .filter((e) => e.type === 'down' && e.hostId === hostId).length;
}

describe('thump monitor on PostgreSQL (real server, monitor, agent and webhook)', () => {
  it('records new and down, notifies once, and restores the host after a restart', async () => {
    const url = await pgc.createDatabase('monitor_e2e');
    writeSecret(dir.path);
    const udp = await freeUdpPort();
    const monitorCfg = join(dir.path, 'thump.yaml');
    writeFileSync(
      monitorCfg,
      JSON.stringify({
        monitor: { udp: [`127.0.0.1:${udp}`], db_path: url, secret_file: './secret' },
        http: { listen: 'off' },
        notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}/hook` }],
        routes: [{ notifiers: ['ops'], events: ['down', 'up'] }],
        grouping: { group_wait: '0s' },
        delivery: { retry_initial: '200ms', retry_max: '500ms' },
      }),
    );
    const agentCfg = join(dir.path, 'agent.yaml');
    writeFileSync(
      agentCfg,
      JSON.stringify({
        agent: { id: 'pg-web-1', to: [`127.0.0.1:${udp}`], interval: '300ms', secret_file: './secret' },
      }),
    );

    let monitor = await startMonitor(monitorCfg);
    expect(monitor.stdout()).not.toContain(pgc.password); // the URL's password is redacted
    let agent = startAgent(agentCfg);
    await waitFor(
      async () => (await eventsOf(url, 'pg-web-1')).some((e) => e.type === 'new'),
      'the new event in PostgreSQL',
      45_000,
      200,
    );

    await agent.stop('SIGKILL'); // no goodbye: the host must be declared down
    await waitFor(() => downsSent('pg-web-1') >= 1, 'the down notification', 45_000, 100);
    const afterDown = await eventsOf(url, 'pg-web-1');
    expect(afterDown.map((e) => e.type)).toEqual(['new', 'down']);

    // Restart the monitor: hosts, events and the outbox come back from PostgreSQL.
    expect(await monitor.stop('SIGTERM')).toBe(0);
    monitor = await startMonitor(monitorCfg);
    expect(monitor.stdout()).toMatch(/1 known hosts restored/);
    agent = startAgent(agentCfg);
    await waitFor(
      async () => (await eventsOf(url, 'pg-web-1')).some((e) => e.type === 'up'),
      'the up event after the restart',
      45_000,
      200,
    );
    await waitFor(
      () => hookPayloads(hook).some((p) => p.events.some((e) => e.type === 'up')),
      'the up notification',
      45_000,
      100,
    );
    const all = await eventsOf(url, 'pg-web-1');
    // The restored host comes back `up` (a new agent process may add `restarted`), never `new`.
    expect(all.slice(0, 3).map((e) => e.type)).toEqual(['new', 'down', 'up']);
    expect(all.filter((e) => e.type === 'new')).toHaveLength(1);
    expect(downsSent('pg-web-1')).toBe(1);
    await agent.stop('SIGTERM');
    expect(await monitor.stop('SIGTERM')).toBe(0);
  }, 240_000);

  it('thump sweep --db stores its run and results in PostgreSQL', async () => {
    const url = await pgc.createDatabase('sweep_e2e');
    const refused = await closedPort();
    const p = spawnThump(['sweep', '-', '--format', 'jsonl', '--db', url], { THUMP_CONFIG: '' });
    procs.push(p);
    p.child.stdin?.end(`127.0.0.1:${refused}\n`);
    expect(await p.exited).toBe(1); // the one host failed
    const store = await openStore(url);
    try {
      const runs = await store.sweeps.list();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ total: 1, ok: 0, failed: 1 });
      expect(runs[0]?.finishedAt).not.toBeNull();
      const results = await store.sweeps.results(runs[0]?.id as string);
      expect(results.map((r) => [r.host, r.status])).toEqual([['127.0.0.1', 'error']]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
