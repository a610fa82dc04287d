import { createHash, randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.js';

/** BullMQ prefix and queue name shared by every producer and worker (`thump:sweep:*` keys). */
export const DEFAULT_PREFIX = 'thump';
export const DEFAULT_QUEUE = 'sweep';

/** Sweep ids are short, URL- and Redis-key-safe; they never contain BullMQ's `:` separator. */
const SWEEP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A new sweep id: sortable by time (base36 ms) plus 6 random hex digits, e.g. `mf3k2x1a-9c0e3b`. */
export function newSweepId(now: number): string {
  return `${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Rejects ids that could break key names or BullMQ job ids (exit 2, names the flag). */
export function checkSweepId(id: string): string {
  if (!SWEEP_ID.test(id)) {
    throw new UsageError(`--sweep-id: "${id}" must be 1-64 letters, digits, '-' or '_'`);
  }
  return id;
}

/**
 * The BullMQ job id for one host of one sweep. Deterministic, so enqueueing the same
 * (sweep, host spec) twice (a retried addBulk, a resumed producer) never makes a second
 * job: BullMQ ignores an add whose id already exists. The spec is hashed because it may
 * hold `:`, `@` and `[]`, and BullMQ forbids `:` in custom ids.
 */
export function jobIdFor(sweepId: string, spec: string): string {
  return `${sweepId}-${createHash('sha256').update(spec).digest('hex').slice(0, 24)}`;
}

/**
 * Redis keys of one sweep run. The `{id}` hash tag keeps them in one cluster slot, so the
 * record-result script can touch all of them atomically.
 */
export interface RunKeys {
  /** Hash: total, state, createdAt, finishedAt, ok, failed, targetsHash, timeouts. */
  meta: string;
  /** List of the targets as JSON, in file order (lets a producer resume without the file). */
  targets: string;
  /** Set of specs that already have a result: the exactly-once gate. */
  done: string;
  /** Stream of results (field `r` = SweepResult JSON), read by the producer. */
  results: string;
}

export function runKeys(prefix: string, sweepId: string): RunKeys {
  const base = `${prefix}:run:{${sweepId}}`;
  return {
    meta: `${base}:meta`,
    targets: `${base}:targets`,
    done: `${base}:done`,
    results: `${base}:results`,
  };
}
