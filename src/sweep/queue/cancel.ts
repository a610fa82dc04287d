import { Queue } from 'bullmq';
import { UsageError } from '../../errors.js';
import { connectRedis } from './connect.js';
import { checkSweepId, DEFAULT_PREFIX, DEFAULT_QUEUE, jobIdFor, runKeys } from './keys.js';
import { doneSpecs, loadMeta, loadTargets } from './run-store.js';

/**
 * Stops a distributed sweep for good: removes its queued jobs and deletes its state.
 * Jobs already being probed cannot be removed (a worker holds their lock); they finish,
 * find the run gone and record nothing. Returns how many queued jobs were removed.
 */
export async function cancelDistributedSweep(opts: {
  redisUrl: string;
  sweepId: string;
  prefix?: string;
  queueName?: string;
}): Promise<{ sweepId: string; removedJobs: number; total: number }> {
  const sweepId = checkSweepId(opts.sweepId);
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const keys = runKeys(prefix, sweepId);
  const client = await connectRedis(opts.redisUrl, { connectionName: `thump-cancel-${sweepId}` });
  const queue = new Queue(opts.queueName ?? DEFAULT_QUEUE, { connection: client, prefix });
  queue.on('error', () => {});
  try {
    const meta = await loadMeta(client, keys);
    if (!meta)
      throw new UsageError(`sweep ${sweepId} is not in Redis (finished and expired, or never started)`);
    const targets = await loadTargets(client, keys, meta);
    const done = await doneSpecs(client, keys, targets);
    // Delete the run first: from here on workers skip its jobs even if removal races them.
    await client.del(keys.meta, keys.targets, keys.done, keys.results);
    let removedJobs = 0;
    for (const t of targets) {
      if (done.has(t.spec)) continue;
      const id = jobIdFor(sweepId, t.spec);
      try {
        if ((await queue.remove(id)) === 1) removedJobs++;
      } catch {
        // Locked by a worker probing it right now; it will find the run gone.
      }
    }
    return { sweepId, removedJobs, total: meta.total };
  } finally {
    await queue.close().catch(() => {});
    client.disconnect();
  }
}
