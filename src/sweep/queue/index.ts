export { cancelDistributedSweep } from './cancel.js';
export { asResult, type Collected, Collector, uniqueTargets } from './collector.js';
export { connectRedis, DEFAULT_CONNECT_TIMEOUT_MS } from './connect.js';
export { parseJobData, type SweepJobData } from './job-data.js';
export { checkSweepId, DEFAULT_PREFIX, DEFAULT_QUEUE, jobIdFor, newSweepId, runKeys } from './keys.js';
export {
  type DistributedSweepOptions,
  type DistributedSweepSummary,
  runDistributedSweep,
} from './producer.js';
export { checkRedisUrl, redactRedisUrl } from './redis-url.js';
export { loadMeta, type RunMeta, type RunState } from './run-store.js';
export {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_STALLED_INTERVAL_MS,
  type QueueProbe,
  runWorker,
  type WorkerHandle,
  type WorkerOptions,
} from './worker.js';
