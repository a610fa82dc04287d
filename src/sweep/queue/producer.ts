import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ResourceError, UsageError } from '../../errors.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { SweepFailure, SweepResult, SweepTarget } from '../types.js';
import { Collector, uniqueTargets } from './collector.js';
import { connectRedis, watchOutage } from './connect.js';
import type { SweepJobData } from './job-data.js';
import { checkSweepId, DEFAULT_PREFIX, DEFAULT_QUEUE, jobIdFor, newSweepId, runKeys } from './keys.js';
import { recordResult } from './record.js';
import { redactRedisUrl } from './redis-url.js';
import {
  checkSameTargets,
  createRun,
  doneSpecs,
  expireRun,
  loadMeta,
  loadTargets,
  type RunMeta,
  setState,
} from './run-store.js';

/** Options of {@link runDistributedSweep}. Only `redisUrl` and `onResult` are required. */
export interface DistributedSweepOptions {
  redisUrl: string;
  /** The hosts. Required for a new sweep; optional when resuming (`sweepId` of a stored run). */
  targets?: readonly SweepTarget[];
  /** Resume (or create with this id). Default: a new time-sortable id. */
  sweepId?: string;
  /** Called once per host, in arrival order; awaited (back-pressure for slow sinks). */
  onResult: (result: SweepResult) => void | Promise<void>;
  /** Called once the run exists in Redis, before any result: print the id for `--sweep-id`. */
  onStart?: (info: { sweepId: string; total: number; resumed: boolean; alreadyDone: number }) => void;
  /** Called when every host without a result is in the queue (`enqueued`: jobs added now or already there). */
  onEnqueued?: (info: { sweepId: string; enqueued: number }) => void;
  /** Stops collecting (the sweep keeps running in Redis and can be resumed). */
  signal?: AbortSignal;
  /** Sweep-wide probe timeouts carried in each job (workers fall back to their own). */
  connectTimeoutMs?: number;
  timeoutMs?: number;
  /** Jobs per addBulk call. Default 500. */
  batchSize?: number;
  /** BullMQ attempts per job when a worker reports an infrastructure error. Default 3. */
  attempts?: number;
  /** Time-to-live of a running sweep's keys, refreshed while a producer collects. Default 24 h. */
  ttlMs?: number;
  /** How long a finished sweep's results stay for replay. Default 1 h. */
  finishedTtlMs?: number;
  /** With no new result for this long, look for jobs the queue gave up on. Default 5 s. */
  idleCheckMs?: number;
  connectTimeoutMsRedis?: number;
  /** Give up (resumable) when Redis stays unreachable this long mid-sweep. Default 30 s. */
  redisOutageMs?: number;
  prefix?: string;
  queueName?: string;
  clock?: Clock;
}

/** Outcome of a distributed sweep (counts are over this run's hosts, each counted once). */
export interface DistributedSweepSummary {
  sweepId: string;
  total: number;
  ok: number;
  failed: number;
  /** False when `signal` stopped collection before every host answered. */
  complete: boolean;
  /** Hosts probed more than once (a worker died holding them); each still written once. */
  duplicates: number;
}

const DAY = 86_400_000;

/**
 * The producer side of a distributed sweep. Creates (or resumes) the run in Redis,
 * enqueues one BullMQ job per host that has no result yet (deterministic job ids, in
 * addBulk batches), then reads the run's result stream from the start and hands each
 * host's result to `onResult` exactly once. A resumed producer therefore writes the whole
 * sweep again, complete and without doubles, even if an earlier producer died mid-way.
 * Jobs BullMQ gave up on (stalled past maxStalledCount, attempts exhausted) become
 * `protocol` failures so that every host still gets its one line and the sweep ends.
 */
export async function runDistributedSweep(opts: DistributedSweepOptions): Promise<DistributedSweepSummary> {
  const clock = opts.clock ?? systemClock;
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const ttlMs = opts.ttlMs ?? DAY;
  const sweepId = checkSweepId(opts.sweepId ?? newSweepId(clock.now()));
  const keys = runKeys(prefix, sweepId);
  const connect = { connectTimeoutMs: opts.connectTimeoutMsRedis ?? 5000 };
  const client = await connectRedis(opts.redisUrl, {
    ...connect,
    connectionName: `thump-producer-${sweepId}`,
  });
  let reader: Redis | undefined;
  let queue: Queue | undefined;
  let lost: Error | undefined;
  const outageMs = opts.redisOutageMs ?? 30_000;
  // ioredis queues commands while it reconnects and never fails them (even a disconnect()
  // during a reconnect leaves them pending), so the outage wins a race instead.
  let giveUp: (err: Error) => void = () => {};
  const outage = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  outage.catch(() => {});
  const onOutage = (err?: Error) => {
    lost = err ?? new Error('connection closed');
    giveUp(lost);
  };
  const unwatch = [watchOutage([client], outageMs, onOutage)];

  const body = async (): Promise<DistributedSweepSummary> => {
    // 1. The run: load it, or create it from the given targets.
    let meta = await loadMeta(client, keys);
    const resumed = meta !== null;
    let targets: SweepTarget[];
    if (meta) {
      if (opts.targets) {
        targets = uniqueTargets(opts.targets);
        checkSameTargets(sweepId, meta, targets);
      } else {
        targets = await loadTargets(client, keys, meta);
      }
    } else {
      if (!opts.targets) {
        throw new UsageError(
          `sweep ${sweepId} is not in Redis (finished and expired, or never started); give the hosts`,
        );
      }
      targets = uniqueTargets(opts.targets);
      meta = await createRun(client, keys, targets, {
        now: clock.now(),
        ttlMs,
        ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      });
    }
    await expireRun(client, keys, ttlMs);

    // 2. Enqueue every host without a result. Existing job ids are no-ops in BullMQ.
    queue = new Queue(opts.queueName ?? DEFAULT_QUEUE, { connection: client, prefix });
    queue.on('error', () => {});
    const done = await doneSpecs(client, keys, targets);
    opts.onStart?.({ sweepId, total: targets.length, resumed, alreadyDone: done.size });
    const todo = targets.filter((t) => !done.has(t.spec));
    await enqueue(queue, sweepId, todo, meta, opts);
    if (meta.state === 'enqueuing') await setState(client, keys, 'running');
    if (!opts.signal?.aborted) opts.onEnqueued?.({ sweepId, enqueued: todo.length });

    // 3. Collect from the start of the stream; the collector lets each spec through once.
    reader = client.duplicate({ connectionName: `thump-producer-${sweepId}-reader` });
    reader.on('error', () => {});
    unwatch.push(watchOutage([reader], outageMs, onOutage));
    const collector = new Collector(targets);
    const bySpec = new Map(targets.map((t) => [t.spec, t]));
    const ctx = { client, reader, queue, keys, sweepId, collector, clock, ttlMs, opts, bySpec, meta };
    const complete = await collect(ctx);
    if (complete) {
      await setState(client, keys, 'done', clock.now());
      await expireRun(client, keys, opts.finishedTtlMs ?? 3_600_000);
    }
    const duplicates = Number((await client.hget(keys.meta, 'duplicates')) ?? 0);
    return {
      sweepId,
      total: collector.total,
      ok: collector.ok,
      failed: collector.failed,
      complete,
      duplicates,
    };
  };

  const running = body();
  running.catch(() => {}); // after an outage it may settle late; nobody listens then
  try {
    return await Promise.race([running, outage]);
  } catch (err) {
    if (lost) {
      throw new ResourceError(
        `lost Redis at ${redactRedisUrl(opts.redisUrl)} for more than ${outageMs / 1000}s (${lost.message}); the sweep stays resumable with --sweep-id ${sweepId} if Redis kept its data`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    for (const off of unwatch) off();
    if (!lost) await queue?.close().catch(() => {});
    reader?.disconnect();
    client.disconnect();
  }
}

async function enqueue(
  queue: Queue,
  sweepId: string,
  todo: readonly SweepTarget[],
  meta: RunMeta,
  opts: DistributedSweepOptions,
): Promise<void> {
  const batch = opts.batchSize ?? 500;
  const attempts = opts.attempts ?? 3;
  for (let i = 0; i < todo.length; i += batch) {
    if (opts.signal?.aborted) return;
    await queue.addBulk(
      todo.slice(i, i + batch).map((target) => {
        const data: SweepJobData = { v: 1, sweepId, target };
        if (meta.connectTimeoutMs !== undefined) data.connectTimeoutMs = meta.connectTimeoutMs;
        if (meta.timeoutMs !== undefined) data.timeoutMs = meta.timeoutMs;
        return {
          name: 'probe',
          data,
          opts: {
            jobId: jobIdFor(sweepId, target.spec),
            attempts,
            backoff: { type: 'fixed', delay: 1000 },
            // Results live in the run's stream; finished jobs need not stay in the queue.
            removeOnComplete: true,
            removeOnFail: { age: 86_400, count: 10_000 },
          },
        };
      }),
    );
  }
}

interface CollectContext {
  client: Redis;
  reader: Redis;
  queue: Queue;
  keys: ReturnType<typeof runKeys>;
  sweepId: string;
  collector: Collector;
  clock: Clock;
  ttlMs: number;
  opts: DistributedSweepOptions;
  /** The sweep's hosts by spec and its meta, to re-enqueue lost jobs. */
  bySpec: Map<string, SweepTarget>;
  meta: RunMeta;
}

/** Reads the result stream until every host answered (true) or the signal fired (false). */
async function collect(ctx: CollectContext): Promise<boolean> {
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
