import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ResourceError, UsageError } from '../../errors.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { SweepResult, SweepTarget } from '../types.js';
import { collect } from './collect-loop.js';
import { Collector, uniqueTargets } from './collector.js';
import { connectRedis, watchOutage } from './connect.js';
import { enqueue } from './enqueue.js';
import { checkSweepId, DEFAULT_PREFIX, DEFAULT_QUEUE, newSweepId, runKeys } from './keys.js';
import { redactRedisUrl } from './redis-url.js';
import {
  checkSameTargets,
  createRun,
  doneSpecs,
  expireRun,
  loadMeta,
  loadTargets,
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
