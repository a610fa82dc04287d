import type { Queue } from 'bullmq';
import type { SweepTarget } from '../types.js';
import type { SweepJobData } from './job-data.js';
import { jobIdFor } from './keys.js';
import type { RunMeta } from './run-store.js';

/** Batch size and retry policy of {@link enqueue}. */
export interface EnqueueOptions {
  /** Jobs per addBulk call. Default 500. */
  batchSize?: number;
  /** BullMQ attempts per job. Default 3. */
  attempts?: number;
  signal?: AbortSignal;
}

/**
 * Adds one job per host in addBulk batches. Job ids are deterministic per (sweep, spec),
 * so adding a host that already has a job is a no-op: enqueueing twice never doubles.
 * One host per job (not chunks): a dead worker then costs only its hosts in flight, and
 * the queue moves hundreds of jobs a second, far more than ssh can (docs/perf/queue.md).
 */
export async function enqueue(
  queue: Queue,
  sweepId: string,
  todo: readonly SweepTarget[],
  meta: RunMeta,
  opts: EnqueueOptions,
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
