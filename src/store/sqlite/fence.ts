import { type Fence, FencedError } from '../types.js';
import type { Db } from './db.js';

/**
 * The lease epoch of a SQLite store: one monitor owns the file, so it always holds the
 * lease at this epoch and a fenced write fails only when given another epoch (a caller bug
 * the conformance suite checks both backends for).
 */
export const SQLITE_EPOCH = 1;

/** Throws {@link FencedError} when `fence` names another epoch than {@link SQLITE_EPOCH}. */
function checkFence(fence: Fence | undefined): void {
  if (fence !== undefined && fence.epoch !== SQLITE_EPOCH) throw new FencedError(fence.epoch, SQLITE_EPOCH);
}

/** Runs `fn` in one transaction after checking the fence; resolves with its result. */
export type SqliteTx = <T>(fence: Fence | undefined, fn: () => T) => Promise<T>;

/** The {@link SqliteTx} of one database: every write of the SQLite backend goes through it. */
export function sqliteTx(db: Db): SqliteTx {
  return (fence, fn) =>
    Promise.resolve().then(() =>
      db.transaction(() => {
        checkFence(fence);
        return fn();
      })(),
    );
}
