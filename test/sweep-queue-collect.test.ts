import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ResourceError } from '../src/errors.js';
import {
  cancelDistributedSweep,
  jobIdFor,
  loadMeta,
  type QueueProbe,
  runDistributedSweep,
  runKeys,
  runWorker,
  type WorkerHandle,
} from '../src/sweep/queue/index.js';
import { recordResult } from '../src/sweep/queue/record.js';
import type { SweepOk, SweepResult, SweepTarget } from '../src/sweep/types.js';
import { freeTcpPort, waitFor } from './support/proc.js';
import { type RedisServer, startRedis } from './support/redis.js';

// Real redis-server, in-process producer and workers with an injected probe: the queue,
// recovery and exactly-once logic without ssh (test/sweep-queue-e2e.test.ts adds sshd and
// real worker processes).

let redis: RedisServer;
let admin: Redis;
const workers: WorkerHandle[] = [];
let queueSeq = 0;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

const targets = (n: number, prefix = 'h'): SweepTarget[] =>
  Array.from({ length: n }, (_, i) => ({
    spec: `u@${prefix}${i}:22`,
    host: `${prefix}${i}`,
    port: 22,
    user: 'u',
  }));

function fakeProbe(calls: string[], delayMs = 2): QueueProbe {
  return async (t) => {
    calls.push(t.spec);
    await new Promise((r) => setTimeout(r, delayMs));
    const at = Date.now();
    return {
      status: 'ok',
      target: t.spec,
      host: t.host,
      at,
      durationMs: delayMs,
      uptimeSeconds: 1234,
      bootedAt: new Date(at - 1234_000).toISOString(),
      load1: 0.1,
      load5: 0.2,
      load15: 0.3,
    };
  };
}

const specsOf = (results: SweepResult[]) => results.map((r) => r.target).sort();

/** Resumes collecting a sweep by id (no hosts given) until it completes; its summary and results. */
async function resumeAll(sweepId: string, queueName: string) {
  const got: SweepResult[] = [];
  const summary = await runDistributedSweep({
    redisUrl: redis.url,
    sweepId,
    queueName,
    onResult: (r) => {
      got.push(r);
    },
  });
  return { summary, got };
}
const fast = { lockDurationMs: 1500, stalledIntervalMs: 500, maxStalledCount: 2 };

describe('distributed sweep over a real redis-server', () => {
  it('collects every host exactly once from two workers', async () => {
    const queueName = `q${++queueSeq}`;
    const calls: string[] = [];
    for (const name of ['w1', 'w2']) {
      workers.push(
        await runWorker({ redisUrl: redis.url, concurrency: 8, probe: fakeProbe(calls), name, queueName }),
      );
    }
    const got: SweepResult[] = [];
    const summary = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(300),
      queueName,
      batchSize: 64,
      onResult: (r) => {
        got.push(r);
      },
    });
    expect(summary).toMatchObject({ total: 300, ok: 300, failed: 0, complete: true });
    expect(specsOf(got)).toEqual(
      targets(300)
        .map((t) => t.spec)
        .sort(),
    );
    expect(new Set(calls).size).toBe(300);
    const meta = await loadMeta(admin, runKeys('thump', summary.sweepId));
    expect(meta).toMatchObject({ state: 'done', ok: 300, failed: 0, total: 300 });
    // Finished runs expire (default 1 h) and leave no jobs behind.
    const ttl = await admin.pttl(runKeys('thump', summary.sweepId).results);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
    expect(await q.getJobCounts('wait', 'active', 'delayed', 'failed', 'completed')).toEqual({
      wait: 0,
      active: 0,
      delayed: 0,
      failed: 0,
      completed: 0,
    });
    await q.close();
  });

  it('never doubles jobs when the same sweep is enqueued twice, and probes each host once', async () => {
    const queueName = `q${++queueSeq}`;
    const sweepId = 'twice-enqueued';
    const list = targets(50);
    // Two producers start the same sweep id and stop collecting at once: 50 jobs, not 100.
    for (let i = 0; i < 2; i++) {
      const ac = new AbortController();
      const s = await runDistributedSweep({
        redisUrl: redis.url,
        targets: list,
        sweepId,
        queueName,
        batchSize: 7,
        signal: ac.signal,
        onEnqueued: () => ac.abort(),
        onResult: () => {},
      });
      expect(s.complete).toBe(false);
    }
    const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
    expect(await q.getWaitingCount()).toBe(50);
    expect(await q.getJob(jobIdFor(sweepId, 'u@h0:22'))).toBeTruthy();
    await q.close();
    const calls: string[] = [];
    workers.push(
      await runWorker({ redisUrl: redis.url, concurrency: 4, probe: fakeProbe(calls), queueName }),
    );
    const { summary: s, got } = await resumeAll(sweepId, queueName);
    expect(s).toMatchObject({ sweepId, total: 50, ok: 50, complete: true });
    expect(specsOf(got)).toEqual(list.map((t) => t.spec).sort());
    expect(calls.length).toBe(50);
  });

  it('recovers the hosts of a worker that died mid-probe, each host still once', async () => {
    const queueName = `q${++queueSeq}`;
    const list = targets(40);
    // Worker A takes jobs and never finishes them (like a process frozen then killed).
    const hung: string[] = [];
    const a = await runWorker({
      redisUrl: redis.url,
      concurrency: 5,
      queueName,
      name: 'doomed',
      ...fast,
      probe: (t) => {
        hung.push(t.spec);
        return new Promise<SweepResult>(() => {});
      },
    });
    const got: SweepResult[] = [];
    const sweep = runDistributedSweep({
      redisUrl: redis.url,
      targets: list,
      queueName,
      onResult: (r) => {
        got.push(r);
      },
    });
    await waitFor(() => hung.length >= 5, 'worker A to hold 5 jobs');
    await a.close(true); // stops renewing its locks without finishing: its 5 jobs stall
    const calls: string[] = [];
    workers.push(
      await runWorker({
        redisUrl: redis.url,
        concurrency: 5,
        queueName,
        name: 'rescuer',
        ...fast,
        probe: fakeProbe(calls),
      }),
    );
    const s = await sweep;
    expect(s).toMatchObject({ total: 40, ok: 40, complete: true });
    expect(specsOf(got)).toEqual(list.map((t) => t.spec).sort());
    for (const spec of hung.slice(0, 5)) expect(calls).toContain(spec);
  });

  it('reports a host that stalls more than max-stalled-count as one protocol failure', async () => {
    const queueName = `q${++queueSeq}`;
    const hung: string[] = [];
    const a = await runWorker({
      redisUrl: redis.url,
      concurrency: 1,
      queueName,
      ...fast,
      maxStalledCount: 0,
      probe: (t) => {
        hung.push(t.spec);
        return new Promise<SweepResult>(() => {});
      },
    });
    const got: SweepResult[] = [];
    const sweep = runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(2),
      queueName,
      idleCheckMs: 300,
      onResult: (r) => {
        got.push(r);
      },
    });
    await waitFor(() => hung.length === 1, 'worker A to hold one job');
    await a.close(true);
    // With maxStalledCount 0 the rescuer's stalled check fails the job instead of retrying it.
    const calls: string[] = [];
    workers.push(
      await runWorker({
        redisUrl: redis.url,
        concurrency: 2,
        queueName,
        ...fast,
        maxStalledCount: 0,
        probe: fakeProbe(calls),
      }),
    );
    const s = await sweep;
    expect(s).toMatchObject({ total: 2, ok: 1, failed: 1, complete: true });
    const failure = got.find((r) => r.target === hung[0]);
    expect(failure).toMatchObject({ status: 'error', errorClass: 'protocol' });
    expect(failure?.status === 'error' && failure.message).toMatch(/job stalled more than allowable limit/);
    expect(calls).not.toContain(hung[0]);
  });

  it('re-enqueues hosts whose jobs were lost from the queue', async () => {
    const queueName = `q${++queueSeq}`;
    const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
    const got: SweepResult[] = [];
    let lost: Promise<void> | undefined;
    let enqueued = false;
    const sweep = runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(12),
      queueName,
      idleCheckMs: 300,
      // Someone wipes the queue right after the jobs went in (no worker yet).
      onEnqueued: () => {
        enqueued = true;
        lost = q.obliterate({ force: true });
      },
      onResult: (r) => {
        got.push(r);
      },
    });
    await waitFor(() => enqueued, 'the jobs to be enqueued');
    await lost;
    expect(await q.getWaitingCount()).toBe(0);
    const calls: string[] = [];
    workers.push(
      await runWorker({ redisUrl: redis.url, concurrency: 4, queueName, probe: fakeProbe(calls) }),
    );
    const s = await sweep;
    expect(s).toMatchObject({ total: 12, ok: 12, complete: true });
    expect(specsOf(got)).toEqual(
      targets(12)
        .map((t) => t.spec)
        .sort(),
    );
    expect(calls).toHaveLength(12);
    await q.close();
  });

  it('answers a host whose probe throws with one protocol failure instead of retrying forever', async () => {
    const queueName = `q${++queueSeq}`;
    workers.push(
      await runWorker({
        redisUrl: redis.url,
        concurrency: 2,
        queueName,
        probe: async (t) => {
          if (t.spec.endsWith('h0:22')) throw new Error('boom');
          // A probe that forgets its spec still files the result under the job's host.
          return { ...((await fakeProbe([])(t, {})) as SweepOk), target: 'someone-else' };
        },
      }),
    );
    const got: SweepResult[] = [];
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(3),
      queueName,
      onResult: (r) => {
        got.push(r);
      },
    });
    expect(s).toMatchObject({ total: 3, ok: 2, failed: 1, complete: true });
    expect(got.find((r) => r.target === 'u@h0:22')).toMatchObject({
      status: 'error',
      errorClass: 'protocol',
      message: 'probe error: boom',
    });
    expect(specsOf(got)).toEqual(
      targets(3)
        .map((t) => t.spec)
        .sort(),
    );
  });

  it('lets a restarted producer resume by id and write the whole sweep once', async () => {
    const queueName = `q${++queueSeq}`;
    const list = targets(60);
    const calls: string[] = [];
    workers.push(
      await runWorker({ redisUrl: redis.url, concurrency: 2, queueName, probe: fakeProbe(calls, 20) }),
    );
    const first: SweepResult[] = [];
    const ac = new AbortController();
    let sweepId = '';
    const s1 = await runDistributedSweep({
      redisUrl: redis.url,
      targets: list,
      queueName,
      signal: ac.signal,
      onStart: (i) => {
        sweepId = i.sweepId;
      },
      onResult: (r) => {
        first.push(r);
        if (first.length === 10) ac.abort();
      },
    });
    expect(s1.complete).toBe(false);
    expect(first.length).toBeLessThan(60);
    const second: SweepResult[] = [];
    let resumed = false;
    const s2 = await runDistributedSweep({
      redisUrl: redis.url,
      sweepId,
      queueName,
      onStart: (i) => {
        resumed = i.resumed;
      },
      onResult: (r) => {
        second.push(r);
      },
    });
    expect(resumed).toBe(true);
    expect(s2).toMatchObject({ sweepId, total: 60, ok: 60, complete: true });
    expect(specsOf(second)).toEqual(list.map((t) => t.spec).sort());
    expect(calls.length).toBe(60);
  });

  it('refuses to resume a sweep with a different host list', async () => {
    const queueName = `q${++queueSeq}`;
    const ac = new AbortController();
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(3),
      queueName,
      signal: ac.signal,
      onEnqueued: () => ac.abort(),
      onResult: () => {},
    });
    await expect(
      runDistributedSweep({
        redisUrl: redis.url,
        targets: targets(4),
        sweepId: s.sweepId,
        queueName,
        onResult: () => {},
      }),
    ).rejects.toThrow(/different host list \(3 hosts, this one has 4\)/);
  });

  it('gives a host the queue gave up on one protocol failure so the sweep ends', async () => {
    const queueName = `q${++queueSeq}`;
    // A broken worker (plain BullMQ) fails every job; attempts run out.
    const brokenConn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const broken = new Worker(
      queueName,
      async () => {
        throw new Error('worker exploded');
      },
      { connection: brokenConn, prefix: 'thump', concurrency: 5 },
    );
    try {
      const got: SweepResult[] = [];
      const s = await runDistributedSweep({
        redisUrl: redis.url,
        targets: targets(5),
        queueName,
        attempts: 1,
        idleCheckMs: 300,
        onResult: (r) => {
          got.push(r);
        },
      });
      expect(s).toMatchObject({ total: 5, ok: 0, failed: 5, complete: true });
      expect(got).toHaveLength(5);
      for (const r of got) {
        expect(r).toMatchObject({ status: 'error', errorClass: 'protocol' });
        expect(r.status === 'error' && r.message).toMatch(
          /gave up on this host after 1 attempt\(s\): worker exploded/,
        );
      }
      const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
      expect(await q.getFailedCount()).toBe(0);
      await q.close();
    } finally {
      await broken.close(true);
      brokenConn.disconnect();
    }
  });

  it('skips jobs of a sweep that no longer exists without probing', async () => {
    const queueName = `q${++queueSeq}`;
    const ac = new AbortController();
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(4),
      queueName,
      signal: ac.signal,
      onEnqueued: () => ac.abort(),
      onResult: () => {},
    });
    await admin.del(...Object.values(runKeys('thump', s.sweepId)));
    const calls: string[] = [];
    const outcomes: string[] = [];
    workers.push(
      await runWorker({
        redisUrl: redis.url,
        concurrency: 2,
        queueName,
        probe: fakeProbe(calls),
        onJob: (e) => outcomes.push(e.outcome),
      }),
    );
    await waitFor(() => outcomes.length === 4, 'the worker to drain 4 orphaned jobs');
    expect(outcomes).toEqual(['gone', 'gone', 'gone', 'gone']);
    expect(calls).toEqual([]);
  });

  it('fails fast with the URL but not the password when Redis is unreachable', async () => {
    const port = await freeTcpPort();
    const url = `redis://:hunter2@127.0.0.1:${port}`;
    const started = Date.now();
    const err = await runDistributedSweep({ redisUrl: url, targets: targets(1), onResult: () => {} }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ResourceError);
    expect(err.message).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(runWorker({ redisUrl: url, concurrency: 1, probe: fakeProbe([]) })).rejects.toThrow(
      ResourceError,
    );
  });

  it('reports a wrong Redis password as unreachable with the reason', async () => {
    const secured = await startRedis({ password: 'right-one' });
    try {
      const url = `redis://:wrong-one@127.0.0.1:${secured.port}`;
      const err = await runDistributedSweep({ redisUrl: url, targets: targets(1), onResult: () => {} }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(ResourceError);
      expect(err.message).toMatch(/WRONGPASS|invalid password|NOAUTH/i);
      expect(err.message).not.toContain('wrong-one');
    } finally {
      await secured.stop();
    }
  });

  it('gives up with a resumable error when Redis goes away mid-sweep', async () => {
    const doomed = await startRedis();
    let sweepId = '';
    const sweep = runDistributedSweep({
      redisUrl: doomed.url,
      targets: targets(3),
      redisOutageMs: 1000,
      onStart: (i) => {
        sweepId = i.sweepId;
      },
      onResult: () => {},
    }).catch((e) => e);
    await waitFor(() => sweepId !== '', 'the sweep to start');
    const stopped = Date.now();
    await doomed.stop();
    const err = await sweep;
    expect(err).toBeInstanceOf(ResourceError);
    expect(err.message).toContain(`lost Redis at redis://127.0.0.1:${doomed.port} for more than 1s`);
    expect(err.message).toContain(`--sweep-id ${sweepId}`);
    expect(Date.now() - stopped).toBeLessThan(15_000);
  });

  it('keeps a worker serving across a Redis restart', async () => {
    let server = await startRedis();
    const port = server.port;
    try {
      const calls: string[] = [];
      const errors: string[] = [];
      workers.push(
        await runWorker({
          redisUrl: server.url,
          concurrency: 2,
          probe: fakeProbe(calls),
          onError: (e) => errors.push(e.message),
        }),
      );
      await server.stop();
      await waitFor(() => errors.length > 0, 'the worker to notice Redis is gone');
      server = await startRedis({ port });
      const got: SweepResult[] = [];
      const s = await runDistributedSweep({
        redisUrl: server.url,
        targets: targets(5),
        onResult: (r) => {
          got.push(r);
        },
      });
      expect(s).toMatchObject({ total: 5, ok: 5, complete: true });
      expect(calls).toHaveLength(5);
    } finally {
      await server.stop();
    }
  });

  it('cancels a sweep: queued jobs removed, state deleted, nothing probed afterwards', async () => {
    const queueName = `q${++queueSeq}`;
    const ac = new AbortController();
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(20),
      queueName,
      signal: ac.signal,
      onEnqueued: () => ac.abort(),
      onResult: () => {},
    });
    const c = await cancelDistributedSweep({ redisUrl: redis.url, sweepId: s.sweepId, queueName });
    expect(c).toEqual({ sweepId: s.sweepId, removedJobs: 20, total: 20 });
    expect(await admin.exists(...Object.values(runKeys('thump', s.sweepId)))).toBe(0);
    const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
    expect(await q.getWaitingCount()).toBe(0);
    await q.close();
    await expect(
      cancelDistributedSweep({ redisUrl: redis.url, sweepId: s.sweepId, queueName }),
    ).rejects.toThrow(/is not in Redis/);
  });

  it('does not probe a host again when its job runs after its result was recorded', async () => {
    // The race this covers: a resumed producer reads the done set, a worker finishes host h0
    // (records it, its job is removed), then the producer re-adds h0's job. Simulated here by
    // recording h0 before any worker runs.
    const ac = new AbortController();
    const queueName = `q${++queueSeq}`;
    const list = targets(5);
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: list,
      queueName,
      signal: ac.signal,
      onEnqueued: () => ac.abort(),
      onResult: () => {},
    });
    const keys = runKeys('thump', s.sweepId);
    expect(await recordResult(admin, keys, await fakeProbe([])(list[0]!, {}))).toBe('recorded');
    const calls: string[] = [];
    const outcomes: Record<string, string> = {};
    workers.push(
      await runWorker({
        redisUrl: redis.url,
        concurrency: 2,
        probe: fakeProbe(calls),
        queueName,
        onJob: (e) => {
          outcomes[e.spec] = e.outcome;
        },
      }),
    );
    const { summary: done, got } = await resumeAll(s.sweepId, queueName);
    expect(done).toMatchObject({ total: 5, ok: 5, complete: true });
    expect(specsOf(got)).toEqual(list.map((t) => t.spec).sort());
    await waitFor(() => Object.keys(outcomes).length === 5, 'every job handled');
    expect(outcomes['u@h0:22']).toBe('duplicate');
    expect(calls.sort()).toEqual(
      list
        .slice(1)
        .map((t) => t.spec)
        .sort(),
    );
  });

  it('records a host once and counts the repeat when two workers answer it', async () => {
    const ac = new AbortController();
    const queueName = `q${++queueSeq}`;
    const s = await runDistributedSweep({
      redisUrl: redis.url,
      targets: targets(1),
      queueName,
      signal: ac.signal,
      onEnqueued: () => ac.abort(),
      onResult: () => {},
    });
    const keys = runKeys('thump', s.sweepId);
    const [t] = targets(1);
    const result = await fakeProbe([])(t!, {});
    expect(await recordResult(admin, keys, result)).toBe('recorded');
    expect(await recordResult(admin, keys, { ...(result as SweepOk), uptimeSeconds: 99 })).toBe('duplicate');
    expect(await admin.xlen(keys.results)).toBe(1);
    expect(await loadMeta(admin, keys)).toMatchObject({ ok: 1, failed: 0, duplicates: 1 });
    const { summary: done, got } = await resumeAll(s.sweepId, queueName);
    expect(done).toMatchObject({ total: 1, ok: 1, complete: true, duplicates: 1 });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ uptimeSeconds: 1234 });
    await admin.del(...Object.values(keys));
    const q = new Queue(queueName, { connection: admin, prefix: 'thump' });
    await q.obliterate({ force: true });
    await q.close();
  });
});
