/**
 * Distributed sweep throughput on this box: hosts/s through Redis + BullMQ with 1 and 2
 * `thump worker` processes against a real sshd, beside a baseline measured in the same
 * run (the same probes from one process with a plain promise pool, no queue), plus the
 * queue's own ceiling with a no-op probe (jobs/s, producer + worker in one process).
 *
 * Run: node --import tsx bench/queue-throughput.ts   (needs `npm run build` first)
 * Env: BENCH_HOSTS (default 400), BENCH_CONCURRENCY (total in-flight probes, default 32)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createProbeOptions, probeHost, type SweepResult, type SweepTarget } from '../src/sweep/index.js';
import { runDistributedSweep, runWorker } from '../src/sweep/queue/index.js';
import { type Proc, spawnThump, tempDir, waitFor } from '../test/support/proc.js';
import { startRedis } from '../test/support/redis.js';
import { type Sshd, startSshd } from '../test/support/sshd.js';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 400);
const CONC = Number(process.env.BENCH_CONCURRENCY ?? 32);

/** utime+stime of a process in ms, from /proc (clock ticks of 10 ms on Linux). */
function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

async function main(): Promise<void> {
  const tmp = tempDir('thump-bench-queue-');
  const redis = await startRedis();
  const sshds: Sshd[] = [await startSshd({ addresses: 16 }), await startSshd({ addresses: 16 })];
  const procs: Proc[] = [];
  try {
    const knownHosts = join(tmp.path, 'known_hosts');
    writeFileSync(knownHosts, sshds.map((s) => readFileSync(s.knownHostsPath, 'utf8')).join(''));
    const user = sshds[0]!.user;
    const hosts = sshds.flatMap((s) => s.hosts.map((h) => ({ h, port: s.port })));
    // Synthetic specs (`.../n`) make many distinct sweep entries out of 32 real endpoints.
    const targets = (tag: string): SweepTarget[] =>
      Array.from({ length: HOSTS }, (_, i) => {
        const { h, port } = hosts[i % hosts.length]!;
        return { spec: `${user}@${h}:${port}/${tag}${i}`, host: h, port, user };
      });
    const keys = sshds.map((s) => s.clientKeyPath);
    const probeOpts = createProbeOptions({
      identityFiles: keys,
      knownHostsFile: knownHosts,
      connectTimeoutMs: 20_000,
      timeoutMs: 30_000,
      env: {},
    });

    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
    console.log(`hosts per run: ${HOSTS} (over ${hosts.length} sshd addresses), in-flight probes: ${CONC}\n`);

    // Baseline: one process, a promise pool, no queue.
    const base = targets('b');
    let next = 0;
    let okBase = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONC }, async () => {
        while (next < base.length) {
          const r = await probeHost(base[next++]!, probeOpts);
          if (r.status === 'ok') okBase++;
        }
      }),
    );
    const baseSec = (performance.now() - t0) / 1000;
    const baseCpu = process.cpuUsage(c0);
    const baseRate = HOSTS / baseSec;
    console.log(
      `baseline  local pool             ${baseRate.toFixed(1).padStart(6)} hosts/s  ${((baseCpu.user + baseCpu.system) / 1000 / HOSTS).toFixed(2)} ms CPU/host  (${okBase}/${HOSTS} ok)`,
    );

    const distributed = async (workers: number): Promise<number> => {
      const ws: Proc[] = [];
      for (let i = 0; i < workers; i++) {
        const p = spawnThump([
          'worker',
          '--redis',
          redis.url,
          '--name',
          `bench${workers}-${i}`,
          '--concurrency',
          String(Math.ceil(CONC / workers)),
          ...keys.flatMap((k) => ['-i', k]),
          '--known-hosts',
          knownHosts,
        ]);
        procs.push(p);
        ws.push(p);
      }
      for (const p of ws)
        await waitFor(() => p.stderr().includes('waiting for hosts'), 'worker ready', 30_000);
      const cpu0 = ws.map((p) => cpuMsOf(p.child.pid!));
      let ok = 0;
      const pc0 = process.cpuUsage();
      const t = performance.now();
      const s = await runDistributedSweep({
        redisUrl: redis.url,
        targets: targets(`w${workers}-`),
        onResult: (r: SweepResult) => {
          if (r.status === 'ok') ok++;
        },
      });
      const sec = (performance.now() - t) / 1000;
      const pc = process.cpuUsage(pc0);
      const producerMs = (pc.user + pc.system) / 1000 / s.total;
      const cpu = ws.reduce((acc, p, i) => acc + cpuMsOf(p.child.pid!) - cpu0[i]!, 0);
      for (const p of ws) await p.stop('SIGTERM', 10_000);
      const rate = s.total / sec;
      console.log(
        `redis     ${workers} worker(s) x ${String(Math.ceil(CONC / workers)).padEnd(3)}       ${rate.toFixed(1).padStart(6)} hosts/s  ${(cpu / s.total).toFixed(2)} ms worker CPU/host  ${producerMs.toFixed(2)} ms producer CPU/host  (${ok}/${s.total} ok)  ratio vs baseline ${(rate / baseRate).toFixed(2)}x`,
      );
      return rate;
    };
    const one = await distributed(1);
    const two = await distributed(2);
    console.log(`2 workers vs 1 worker: ${(two / one).toFixed(2)}x`);

    // The queue alone: no-op probe, producer and worker in this process.
    const N = 5000;
    const w = await runWorker({
      redisUrl: redis.url,
      concurrency: 50,
      queueName: 'bench-noop',
      probe: async (t) => ({
        status: 'ok',
        target: t.spec,
        host: t.host,
        at: Date.now(),
        durationMs: 0,
        uptimeSeconds: 1,
        bootedAt: new Date().toISOString(),
        load1: 0,
        load5: 0,
        load15: 0,
      }),
    });
    const noop = Array.from({ length: N }, (_, i) => ({ spec: `noop${i}`, host: 'x', port: 22, user: 'u' }));
    const tq = performance.now();
    await runDistributedSweep({
      redisUrl: redis.url,
      targets: noop,
      queueName: 'bench-noop',
      onResult: () => {},
    });
    const qRate = N / ((performance.now() - tq) / 1000);
    await w.close();
    console.log(
      `queue ceiling (no-op probe, 1 in-process worker x 50): ${qRate.toFixed(0)} jobs/s = ${(qRate / baseRate).toFixed(1)}x the ssh baseline`,
    );

    // Redis memory per host: queued (no worker yet), then answered.
    const admin = new Redis(redis.url);
    const used = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    const M = 10_000;
    const real = Array.from({ length: M }, (_, i) => ({
      spec: `deploy@web-${i}.dc1.example.net:22`,
      host: `web-${i}.dc1.example.net`,
      port: 22,
      user: 'deploy',
    }));
    const m0 = await used();
    const ac = new AbortController();
    let memId = '';
    await runDistributedSweep({
      redisUrl: redis.url,
      targets: real,
      queueName: 'bench-mem',
      connectTimeoutMs: 10_000,
      timeoutMs: 30_000,
      signal: ac.signal,
      onEnqueued: (i) => {
        memId = i.sweepId;
        ac.abort();
      },
      onResult: () => {},
    });
    const m1 = await used();
    const w2 = await runWorker({
      redisUrl: redis.url,
      concurrency: 50,
      queueName: 'bench-mem',
      probe: async (t) => ({
        status: 'ok',
        target: t.spec,
        host: t.host,
        at: Date.now(),
        durationMs: 123,
        uptimeSeconds: 8_734_522,
        bootedAt: new Date().toISOString(),
        load1: 0.12,
        load5: 0.34,
        load15: 0.56,
      }),
    });
    await runDistributedSweep({
      redisUrl: redis.url,
      sweepId: memId,
      queueName: 'bench-mem',
      onResult: () => {},
    });
    await w2.close();
    const m2 = await used();
    admin.disconnect();
    console.log(
      `redis memory: ${((m1 - m0) / M).toFixed(0)} B per queued host, ${((m2 - m0) / M).toFixed(0)} B per answered host (${M} hosts)`,
    );
  } finally {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await Promise.all(sshds.map((s) => s.stop()));
    await redis.stop();
    tmp.cleanup();
  }
}

await main();
