import type { Redis } from 'ioredis';
import type { SweepResult } from '../types.js';
import type { RunKeys } from './keys.js';

/**
 * Records one host's result for a sweep, atomically and at most once per spec:
 * SADD to the `done` set is the gate; only the first result for a spec reaches the
 * results stream and the ok/failed counters. A job retried after its worker died
 * (stalled-job recovery) probes again, but its second result is dropped here.
 * Dropped repeats are counted in the meta field `duplicates` (hosts probed twice).
 * Returns 1 (recorded), 0 (duplicate) or -1 (the sweep is gone: expired or cleaned up).
 * Keys share the sweep's `{id}` hash tag, so this also runs on Redis Cluster.
 */
const RECORD_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  redis.call('HINCRBY', KEYS[1], 'duplicates', 1)
  return 0
end
redis.call('XADD', KEYS[3], '*', 'r', ARGV[2])
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1
`;

type WithRecord = Redis & {
  thumpRecordResult(meta: string, done: string, results: string, ...args: string[]): Promise<number>;
};

/** Outcome of {@link recordResult}. */
export type RecordOutcome = 'recorded' | 'duplicate' | 'gone';

/** Writes `result` for `result.target` unless that spec already has one (see RECORD_LUA). */
export async function recordResult(
  client: Redis,
  keys: RunKeys,
  result: SweepResult,
): Promise<RecordOutcome> {
  const c = client as WithRecord;
  if (typeof c.thumpRecordResult !== 'function') {
    // defineCommand caches the script by SHA (EVALSHA, falling back to EVAL once).
    client.defineCommand('thumpRecordResult', { numberOfKeys: 3, lua: RECORD_LUA });
  }
  const n = await c.thumpRecordResult(
    keys.meta,
    keys.done,
    keys.results,
    result.target,
    JSON.stringify(result),
    result.status === 'ok' ? 'ok' : 'failed',
  );
  return n === 1 ? 'recorded' : n === 0 ? 'duplicate' : 'gone';
}
