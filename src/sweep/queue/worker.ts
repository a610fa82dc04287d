import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Clock, systemClock } from '../../util/clock.js';
import type { SweepFailure, SweepResult, SweepTarget } from '../types.js';
import { connectRedis } from './connect.js';
import { parseJobData } from './job-data.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, runKeys } from './keys.js';
import { type RecordOutcome, recordResult } from './record.js';

/** Probes one host; timeouts come from the sweep's job (undefined: the worker's defaults). */
export type QueueProbe = (
  target: SweepTarget,
  timeouts: { connectTimeoutMs?: number; timeoutMs?: number },
) => Promise<SweepResult>;

/**
 * Stalled-job recovery defaults (BullMQ's are 30 s / 30 s / 1). A job whose worker died
 * is back in the queue after at most lockDuration + stalledInterval. Shorter values
 * recover faster but cost Redis round-trips per worker and risk treating a worker whose
 * event loop is blocked for longer than lockDuration as dead (its host is then probed
 * twice; the result is still recorded once).
 */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 15_000;
export const DEFAULT_MAX_STALLED_COUNT = 2;

export interface WorkerOptions {
  redisUrl: string;
  /** Hosts probed at the same time by this worker. */
  concurrency: number;
  probe: QueueProbe;
  /** Shown in BullMQ's `processedBy` and CLIENT LIST. Default `hostname-pid`. */
  name?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** Extra time past the job's own timeouts before a hung probe is abandoned. Default 15 s. */
  probeGraceMs?: number;
  connectTimeoutMsRedis?: number;
  prefix?: string;
  queueName?: string;
  clock?: Clock;
  /** Each handled job, for logs and tests. */
  onJob?: (event: {
    sweepId: string;
    spec: string;
    outcome: RecordOutcome | 'gone';
    result?: SweepResult;
  }) => void;
  /** Queue/Redis errors after start-up (BullMQ keeps retrying; these are for logging). */
  onError?: (err: Error) => void;
}

export interface WorkerHandle {
  readonly name: string;
  /** Probes done since start. */
  readonly probed: () => number;
  /**
   * Stops taking jobs. Graceful (default): waits for the probes in flight to finish and
   * record. `force`: drops them at once; their locks expire and other workers redo them.
   */
  close(force?: boolean): Promise<void>;
}

/**
 * The worker side of a distributed sweep: takes host jobs from the shared BullMQ queue
 * (any sweep, any producer), probes each with `probe`, and records the result through the
 * exactly-once gate. A probe that throws (a bug, not a host failure) still yields a
 * `protocol` failure so the host is answered; jobs of a sweep that no longer exists in
 * Redis are skipped without probing.
 */
export async function runWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const clock = opts.clock ?? systemClock;
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const client: Redis = await connectRedis(opts.redisUrl, {
    connectTimeoutMs: opts.connectTimeoutMsRedis ?? 5000,
    connectionName: `thump-worker-${name}`,
  });
  let probed = 0;
  const worker = new Worker(
    opts.queueName ?? DEFAULT_QUEUE,
    async (job) => {
      const data = parseJobData(job.data);
      if (typeof data === 'string') throw new UnrecoverableError(data);
      const keys = runKeys(prefix, data.sweepId);
      // One round trip: is the run still there, and does this host already have a result?
      // The second happens when a job runs again after its result was recorded: a resumed
      // producer re-adding a job that completed (and was removed) between its check and
      // its enqueue, or a redelivery after a worker died between recording and completing.
      const [exists, done] = (await client
        .pipeline()
        .exists(keys.meta)
        .sismember(keys.done, data.target.spec)
        .exec()) as [[Error | null, number], [Error | null, number]];
      if (exists[0] || done[0]) throw exists[0] ?? done[0];
      if (exists[1] === 0) {
        opts.onJob?.({ sweepId: data.sweepId, spec: data.target.spec, outcome: 'gone' });
        return 'gone';
      }
      if (done[1] === 1) {
        opts.onJob?.({ sweepId: data.sweepId, spec: data.target.spec, outcome: 'duplicate' });
        return 'duplicate';
      }
      const result = await guardedProbe(opts, data.target, data, clock);
      probed++;
      const outcome = await recordResult(client, keys, result);
      opts.onJob?.({ sweepId: data.sweepId, spec: data.target.spec, outcome, result });
      return outcome;
    },
    {
      connection: client,
      prefix,
      name,
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      stalledInterval: opts.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
      maxStalledCount: opts.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
      autorun: false,
    },
  );
  worker.on('error', (err) => opts.onError?.(err));
  void worker.run().catch((err: Error) => opts.onError?.(err));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    probed: () => probed,
    close(force = false) {
      if (force) {
        closing = worker.close(true).finally(() => client.disconnect());
      }
      closing ??= worker.close(false).finally(() => client.disconnect());
      return closing;
    },
  };
}

/**
 * Runs the probe with a hard stop well past its own timeouts, and turns a throw into a
 * failure result, so a single buggy or hung probe can neither hold a job forever nor
 * leave its host without an answer.
 */
async function guardedProbe(
  opts: WorkerOptions,
  target: SweepTarget,
  timeouts: { connectTimeoutMs?: number; timeoutMs?: number },
  clock: Clock,
): Promise<SweepResult> {
  const started = clock.now();
  const limit =
    (timeouts.timeoutMs ?? 30_000) + (timeouts.connectTimeoutMs ?? 10_000) + (opts.probeGraceMs ?? 15_000);
  let timer: NodeJS.Timeout | undefined;
  const t: { connectTimeoutMs?: number; timeoutMs?: number } = {};
  if (timeouts.connectTimeoutMs !== undefined) t.connectTimeoutMs = timeouts.connectTimeoutMs;
  if (timeouts.timeoutMs !== undefined) t.timeoutMs = timeouts.timeoutMs;
  try {
    const result = await Promise.race([
      opts.probe(target, t),
      new Promise<'hung'>((res) => {
        timer = setTimeout(() => res('hung'), limit);
      }),
    ]);
    if (result === 'hung') {
      return failure(target, started, clock, 'timeout', `no result from the probe within ${limit} ms`);
    }
    // The spec is the key of exactly-once; never trust a probe to echo it.
    return result.target === target.spec ? result : { ...result, target: target.spec };
  } catch (err) {
    return failure(
      target,
      started,
      clock,
      'protocol',
      `probe error: ${(err as Error)?.message ?? String(err)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function failure(
  target: SweepTarget,
  started: number,
  clock: Clock,
  errorClass: SweepFailure['errorClass'],
  message: string,
): SweepFailure {
  const at = clock.now();
  return {
    status: 'error',
    target: target.spec,
    host: target.host,
    at,
    durationMs: at - started,
    errorClass,
    message,
  };
}
