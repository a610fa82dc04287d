import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDistributedSweep } from '../src/sweep/queue/index.js';
import type { SweepResult, SweepTarget } from '../src/sweep/types.js';
import { freeTcpPort, type Proc, runThump, spawnThump, tempDir, waitFor } from './support/proc.js';
import { type RedisServer, startRedis } from './support/redis.js';
import { type Sshd, startSshd } from './support/sshd.js';
import { type BadServer, startBadServer } from './support/sweep-bad-servers.js';

// Real redis-server, two real sshd (32 loopback hosts), six endpoints that accept TCP and
// never speak (they hold a worker's job for the whole timeout), and real `thump worker`
// processes from the built CLI. One worker is SIGKILLed while it holds jobs.

let redis: RedisServer;
const sshds: Sshd[] = [];
const silent: BadServer[] = [];
const procs: Proc[] = [];
const tmp = tempDir('thump-queue-e2e-');
let knownHosts = '';

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) sshds.push(await startSshd({ addresses: 16 }));
  for (let i = 0; i < 6; i++) silent.push(await startBadServer('silent'));
  knownHosts = join(tmp.path, 'known_hosts');
  writeFileSync(knownHosts, sshds.map((s) => readFileSync(s.knownHostsPath, 'utf8')).join(''));
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await Promise.all(silent.map((s) => s.close()));
  await Promise.all(sshds.map((s) => s.stop()));
  await redis?.stop();
  tmp.cleanup();
});

function worker(name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}, url = redis.url): Proc {
  const p = spawnThump(
    [
      'worker',
      '--redis',
      url,
      '--name',
      name,
      '--concurrency',
      '4',
      ...sshds.flatMap((s) => ['-i', s.clientKeyPath]),
      '--known-hosts',
      knownHosts,
      // Fast recovery for the test: a dead worker's jobs are back within ~4 s + 1 s.
      '--lock-duration',
      '4s',
      '--stalled-interval',
      '1s',
      '--verbose',
      ...extra,
    ],
    env,
  );
  procs.push(p);
  return p;
}

describe('thump worker processes on a real Redis and sshd', () => {
  it('finishes every host exactly once after one of two workers is SIGKILLed mid-sweep', async () => {
    const user = sshds[0]!.user;
    const silentTargets: SweepTarget[] = silent.map((s) => ({
      spec: `${user}@127.0.0.1:${s.port}`,
      host: '127.0.0.1',
      port: s.port,
      user,
    }));
    const sshTargets: SweepTarget[] = sshds.flatMap((s) =>
      s.hosts.map((h) => ({ spec: `${user}@${h}:${s.port}`, host: h, port: s.port, user })),
    );
    // Silent hosts first: the first worker takes them (FIFO) and holds them when it dies.
    const all = [...silentTargets, ...sshTargets];

    const a = worker('doomed');
    await waitFor(() => a.stderr().includes('waiting for hosts'), 'worker A to connect', 30_000);
    const got: SweepResult[] = [];
    const sweep = runDistributedSweep({
      redisUrl: redis.url,
      targets: all,
      // Long enough that A still holds its silent hosts when it is killed, even on a slow box.
      connectTimeoutMs: 15_000,
      timeoutMs: 15_000,
      onResult: (r) => {
        got.push(r);
      },
    });
    const conn = new Redis(redis.url);
    const queue = new Queue('sweep', { connection: conn, prefix: 'thump' });
    try {
      const silentSpecs = new Set(silentTargets.map((t) => t.spec));
      const heldByA = async () =>
        (await queue.getActive())
          .filter((j) => j.processedBy === 'doomed')
          .map((j) => (j.data as { target: SweepTarget }).target.spec)
          .filter((spec) => silentSpecs.has(spec));
      await waitFor(async () => (await heldByA()).length >= 2, 'worker A to hold silent hosts', 30_000);
      const b = worker('rescuer');
      await waitFor(() => / recorded/.test(b.stderr()), 'worker B to record a result', 30_000);
      // Both workers are busy now; A is in the middle of its silent hosts (15 s each).
      expect((await heldByA()).length).toBeGreaterThan(0);
      a.child.kill('SIGKILL');
      expect(await a.exited).toBe('SIGKILL');
      // Read what A held only once it is dead: before the kill, A could still finish one of
      // them itself on a slow machine. Its active jobs stay marked with its name until the
      // stalled-job check hands them to B.
      const held = await heldByA();
      expect(held.length).toBeGreaterThan(0);

      const summary = await sweep;
      expect(summary).toMatchObject({ total: all.length, complete: true });
      // Exactly once: one result per spec, no spec missing, none repeated.
      const specs = got.map((r) => r.target);
      expect(specs.length).toBe(all.length);
      expect([...specs].sort()).toEqual(all.map((t) => t.spec).sort());
      // Real answers from sshd, precise failures from the silent endpoints.
      const local = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      for (const r of got) {
        if (silentSpecs.has(r.target)) {
          expect(r.status === 'error' && r.errorClass, JSON.stringify(r)).toBe('timeout');
        } else {
          expect(r.status, JSON.stringify(r)).toBe('ok');
          if (r.status === 'ok') expect(Math.abs(r.uptimeSeconds - local)).toBeLessThan(120);
        }
      }
      // The jobs A held when it died were done by B.
      for (const spec of held) expect(b.stderr()).toContain(`${spec} recorded`);
      expect(await queue.getJobCounts('wait', 'active', 'delayed', 'failed')).toEqual({
        wait: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
      // A graceful stop of the survivor exits 0.
      expect(await b.stop('SIGTERM', 15_000)).toBe(0);
    } finally {
      await queue.close();
      conn.disconnect();
    }
  }, 120_000);

  it('thump sweep --redis writes each host once, and a restarted producer resumes by --sweep-id', async () => {
    const user = sshds[0]!.user;
    const specs = [
      ...sshds.flatMap((s) => s.hosts.map((h) => `${user}@${h}:${s.port}`)),
      ...silent.slice(0, 2).map((s) => `${user}@127.0.0.1:${s.port}`),
    ];
    const hostsFile = join(tmp.path, 'hosts.txt');
    writeFileSync(hostsFile, `# distributed sweep test\n${specs.join('\n')}\n`);
    const w = worker('cli-worker');
    await waitFor(() => w.stderr().includes('waiting for hosts'), 'the worker to connect', 30_000);
    const common = ['--redis', redis.url, '--sweep-id', 'cli-resume-1', '--format', 'jsonl', '--no-progress'];
    // First producer: killed hard after a few lines; the silent hosts are still pending.
    const p1 = spawnThump(['sweep', hostsFile, '--timeout', '4s', '--connect-timeout', '4s', ...common]);
    procs.push(p1);
    await waitFor(
      () => p1.stdout().split('\n').filter(Boolean).length >= 3,
      'the first producer to write results',
      60_000,
    );
    p1.child.kill('SIGKILL');
    await p1.exited;
    expect(p1.stderr()).toContain(`sweep cli-resume-1: ${specs.length} hosts`);
    // Second producer: no hosts file, same id; writes the whole sweep, each host once.
    const p2 = spawnThump(['sweep', ...common]);
    procs.push(p2);
    expect(await p2.exited).toBe(1); // the two silent hosts fail with timeout
    const lines = p2.stdout().split('\n').filter(Boolean);
    const results = lines.map(
      (l) => JSON.parse(l) as { target: string; status: string; errorClass?: string },
    );
    expect(results.map((r) => r.target).sort()).toEqual([...specs].sort());
    const bySpec = new Map(results.map((r) => [r.target, r]));
    for (const s of silent.slice(0, 2)) {
      expect(bySpec.get(`${user}@127.0.0.1:${s.port}`)).toMatchObject({
        status: 'error',
        errorClass: 'timeout',
      });
    }
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(specs.length - 2);
    expect(p2.stderr()).toContain('resumed');
    await w.stop('SIGTERM', 15_000);
  }, 120_000);

  it('sweeps through a password-protected TLS Redis (rediss://) with a private CA', async () => {
    const secure = await startRedis({ tls: true, password: 'tls-s3cret' });
    try {
      const env = { NODE_EXTRA_CA_CERTS: secure.caPath! };
      // Without the CA the certificate is refused: exit 1, the reason, no password.
      const untrusted = spawnThump(['worker', '--redis', secure.url]);
      procs.push(untrusted);
      expect(await untrusted.exited).toBe(1);
      expect(untrusted.stderr()).toMatch(/cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: .*certificate/);
      expect(untrusted.stderr()).not.toContain('tls-s3cret');

      const w = worker('tls-worker', [], env, secure.url);
      await waitFor(
        () => w.stderr().includes('waiting for hosts on rediss://127.0.0.1'),
        'the TLS worker',
        30_000,
      );
      expect(w.stderr()).not.toContain('tls-s3cret');
      const user = sshds[0]!.user;
      const specs = sshds[0]!.hosts.slice(0, 4).map((h) => `${user}@${h}:${sshds[0]!.port}`);
      const hostsFile = join(tmp.path, 'tls-hosts.txt');
      writeFileSync(hostsFile, `${specs.join('\n')}\n`);
      const sweep = spawnThump(
        ['sweep', hostsFile, '--redis', secure.url, '--format', 'jsonl', '--no-progress'],
        env,
      );
      procs.push(sweep);
      expect(await sweep.exited).toBe(0);
      const results = sweep
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { target: string; status: string });
      expect(results.map((r) => r.target).sort()).toEqual([...specs].sort());
      expect(results.every((r) => r.status === 'ok')).toBe(true);
      expect(await w.stop('SIGTERM', 15_000)).toBe(0);
    } finally {
      await secure.stop();
    }
  }, 120_000);

  it('thump sweep --cancel drops a running sweep for good; resuming it is then a usage error', async () => {
    const hostsFile = join(tmp.path, 'cancel-hosts.txt');
    writeFileSync(hostsFile, Array.from({ length: 12 }, (_, i) => `u@127.0.0.${i + 1}:9`).join('\n'));
    const common = ['--redis', redis.url, '--sweep-id', 'to-cancel', '--no-progress'];
    // No worker runs: the producer enqueues the 12 hosts and waits for results.
    const p = spawnThump(['sweep', hostsFile, '--format', 'jsonl', ...common]);
    procs.push(p);
    await waitFor(() => p.stderr().includes('sweep to-cancel: 12 hosts'), 'the sweep to be enqueued', 30_000);
    await p.stop('SIGINT', 15_000);
    const c = await runThump(['sweep', '--cancel', ...common]);
    expect(c.stderr).toContain('thump: sweep to-cancel cancelled: 12 queued hosts dropped of 12');
    expect(c.code).toBe(0);
    const again = await runThump(['sweep', '--cancel', ...common]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('sweep to-cancel is not in Redis');
    const resume = await runThump(['sweep', '--format', 'jsonl', ...common]);
    expect(resume.code).toBe(2);
    const bad = await runThump(['sweep', '--cancel', '--redis', redis.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cancel needs --redis URL and --sweep-id ID');
  }, 90_000);

  it('exits 1 within a bounded time naming Redis but not its password when Redis is down', async () => {
    const port = await freeTcpPort();
    const started = Date.now();
    const p = spawnThump(['worker', '--redis', `redis://:pa55word@127.0.0.1:${port}`]);
    procs.push(p);
    expect(await p.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(p.stderr()).toContain(
      `thump: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED`,
    );
    expect(p.stderr()).not.toContain('pa55word');
  });

  it('takes Redis and keys from the sweep: section of thump.yaml', async () => {
    const cfg = join(tmp.path, 'thump.yaml');
    writeFileSync(
      cfg,
      `sweep:\n  redis: ${redis.url}\n  concurrency: 3\n  identity_files: [${sshds[0]!.clientKeyPath}]\n  known_hosts_file: ${knownHosts}\n`,
    );
    const p = spawnThump(['worker', '--config', cfg, '--name', 'from-config']);
    procs.push(p);
    await waitFor(
      () =>
        p.stderr().includes(`thump worker from-config: waiting for hosts on ${redis.url} (concurrency 3)`),
      'the configured worker to connect',
      30_000,
    );
    expect(await p.stop('SIGTERM', 15_000)).toBe(0);
    expect(p.stderr()).toContain('stopped after 0 hosts');
  });

  it('takes the Redis URL from THUMP_SWEEP__REDIS and rejects a bad one as a usage error', async () => {
    const p = spawnThump(['worker'], { THUMP_SWEEP__REDIS: 'http://nope' });
    procs.push(p);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('--redis: expected a redis:// or rediss:// URL');
  });
});
