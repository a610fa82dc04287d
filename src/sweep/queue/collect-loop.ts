import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ResourceError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { SweepFailure, SweepResult, SweepTarget } from '../types.js';
import type { Collector } from './collector.js';
import { enqueue } from './enqueue.js';
import type { SweepJobData } from './job-data.js';
import { jobIdFor, type RunKeys } from './keys.js';
import { recordResult } from './record.js';
import { doneSpecs, expireRun, type RunMeta } from './run-store.js';

/** What the producer's collection loop needs (see producer.ts). */
export interface CollectContext {
  client: Redis;
  reader: Redis;
  queue: Queue;
  keys: RunKeys;
  sweepId: string;
  collector: Collector;
  clock: Clock;
  ttlMs: number;
  opts: {
    onResult: (result: SweepResult) => void | Promise<void>;
    signal?: AbortSignal;
    idleCheckMs?: number;
    batchSize?: number;
    attempts?: number;
  };
  /** The sweep's hosts by spec and its meta, to re-enqueue lost jobs. */
  bySpec: Map<string, SweepTarget>;
  meta: RunMeta;
}

/** Reads the result stream until every host answered (true) or the signal fired (false). */
export async function collect(ctx: CollectContext): Promise<boolean> {
  const { reader, keys, collector, clock, opts } = ctx;
  const signal = opts.signal;
  const idleCheckMs = opts.idleCheckMs ?? 5000;
  const onAbort = () => reader.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  let lastId = '0';
  let lastProgress = clock.now();
  let lastRefresh = clock.now();
  try {
    while (!collector.complete) {
      if (signal?.aborted) return false;
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          1000,
          'STREAMS',
          keys.results,
          lastId,
        )) as typeof reply;
      } catch (err) {
        if (signal?.aborted) return false;
        throw err;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          const raw = fieldOf(fields, 'r');
          if (raw === undefined) continue;
          const c = collector.accept(raw);
          if (c.kind === 'new') {
            lastProgress = clock.now();
            await opts.onResult(c.result);
          }
        }
      }
      const now = clock.now();
      if (now - lastRefresh > Math.min(60_000, ctx.ttlMs / 4)) {
        await expireRun(ctx.client, keys, ctx.ttlMs);
        lastRefresh = now;
      }
      if (!collector.complete && now - lastProgress >= idleCheckMs) {
        await reconcile(ctx);
        lastProgress = now;
      }
    }
    return true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * When results stall: make sure the run still exists, and turn this sweep's failed jobs
 * (stalled more than maxStalledCount times, or attempts used up) into failure results,
 * recorded through the same exactly-once gate as a worker's result.
 */
async function reconcile(ctx: CollectContext): Promise<void> {
  const { client, queue, keys, sweepId, collector, clock } = ctx;
  if ((await client.exists(keys.meta)) === 0) {
    throw new ResourceError(
      `sweep ${sweepId} is gone from Redis (expired, deleted, or Redis restarted without persistence); start it again`,
    );
  }
  const failedCount = await queue.getFailedCount();
  for (let start = 0; start < failedCount; start += 500) {
    const jobs: Job[] = await queue.getFailed(start, start + 499);
    for (const job of jobs) {
      const data = job?.data as Partial<SweepJobData> | undefined;
      if (!data || data.sweepId !== sweepId || !data.target || collector.has(data.target.spec)) continue;
      const failure: SweepFailure = {
        status: 'error',
        target: data.target.spec,
        host: data.target.host,
        at: clock.now(),
        durationMs: 0,
        errorClass: 'protocol',
        message: `the queue gave up on this host after ${job.attemptsMade} attempt(s): ${job.failedReason ?? 'unknown reason'}`,
      };
      await recordResult(client, keys, failure);
      // Its host now has a result; the failed job has nothing left to tell.
      await job.remove().catch(() => {});
    }
  }
  await requeueLost(ctx);
}

/** Hosts checked per idle tick for a job that vanished (bounded work on huge sweeps). */
const LOST_CHECK_LIMIT = 1000;

/**
 * Re-enqueues hosts that have neither a result nor a job: the job was lost (Redis
 * failover dropping recent writes, someone draining or obliterating the queue, failed
 * jobs evicted by `removeOnFail` before we saw them). A job is only ever removed after
 * its result was recorded, so "no job and not in the done set" means lost, never done.
 */
async function requeueLost(ctx: CollectContext): Promise<void> {
  const { client, queue, keys, sweepId, collector, bySpec, meta, opts } = ctx;
  const specs: string[] = [];
  for (const spec of collector.remaining()) {
    specs.push(spec);
    if (specs.length >= LOST_CHECK_LIMIT) break;
  }
  const missing: SweepTarget[] = [];
  for (let i = 0; i < specs.length; i += 100) {
    const chunk = specs.slice(i, i + 100);
    const states = await Promise.all(chunk.map((spec) => queue.getJobState(jobIdFor(sweepId, spec))));
    chunk.forEach((spec, j) => {
      const t = bySpec.get(spec);
      if (states[j] === 'unknown' && t) missing.push(t);
    });
  }
  if (missing.length === 0) return;
  const done = await doneSpecs(client, keys, missing);
  await enqueue(
    queue,
    sweepId,
    missing.filter((t) => !done.has(t.spec)),
    meta,
    opts,
  );
}
