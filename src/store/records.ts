/**
 * Rows as `thump db migrate` copies them between stores (src/store/copy.ts): every column
 * a domain keeps, ids included, so a copy is exact. Each domain interface offers
 * {@link RowCopy} over its own record type; records of one domain's several tables are
 * told apart by `table`.
 */
import type { HostEvent } from '../monitor/types.js';
import type { NotificationBatch, Silence } from '../notify/types.js';
import type { SweepResult, SweepRun } from '../sweep/types.js';
import type { OpenAlert, StoredHost } from './values.js';

/** Rows per page of an export and per import transaction, unless told otherwise. */
export const COPY_PAGE_SIZE = 1000;

/**
 * Exporting and importing one domain's rows exactly (ids, states and times kept), for
 * copying a store to another backend.
 */
export interface RowCopy<R> {
  /**
   * Every row of the domain, in pages of at most `pageSize` (default {@link COPY_PAGE_SIZE}),
   * read with keyset paging (never all rows in memory, never OFFSET). Parents come before
   * the rows that refer to them (sweep runs before their results), so importing the pages
   * in order never breaks a reference. Rows written while the export runs may be missed:
   * copy a store no monitor is writing.
   */
  exportPages(pageSize?: number): AsyncIterable<R[]>;
  /**
   * Inserts rows exactly as exported, ids kept, in ONE transaction. A row whose key (or
   * any unique key) is already there is left as it is (`ON CONFLICT DO NOTHING`), so
   * importing a page twice adds nothing. Id sequences are moved past the imported ids, so
   * rows written later get new ids. Unfenced: for an offline copy, not for a live monitor.
   * Returns how many rows were new.
   */
  importRows(rows: readonly R[]): Promise<number>;
  /** Rows per table of the domain (`{ events: 12 }`; the outbox and sweeps have several). */
  countRows(): Promise<Record<string, number>>;
}

/** An event as copied: the logged event plus its transition key (idempotency survives). */
export interface EventRecord extends HostEvent {
  transitionKey: string | null;
}

/** A `notify_outbox` row: one (event, notifier, reminder) and its delivery state. */
export interface OutboxRowRecord {
  table: 'outbox';
  id: number;
  eventId: number;
  notifier: string;
  reminder: number;
  /** The event as the notifier will get it, the stored JSON text unchanged. */
  eventJson: string;
  createdAt: number;
  readyAt: number;
  state: 'pending' | 'batched' | 'sent' | 'suppressed' | 'failed';
  reason: string | null;
  batchId: string | null;
}

/** A `notify_batches` row: a formed message, its stable id and its attempts. */
export interface OutboxBatchRecord {
  table: 'batch';
  id: string;
  seq: number;
  notifier: string;
  kind: NotificationBatch['kind'];
  title: string;
  text: string;
  createdAt: number;
  deadlineAt: number;
  attempts: number;
  nextAttemptAt: number;
  state: 'queued' | 'sent' | 'failed';
  lastError: string | null;
  sentAt: number | null;
}

/** Outbox records: rows, batches, open alerts and the cursor (`notify_cursor`). */
export type OutboxRecord =
  | OutboxRowRecord
  | OutboxBatchRecord
  | ({ table: 'alert' } & OpenAlert)
  | { table: 'cursor'; eventId: number };

/** Sweep records: runs first, then their per-host results, then each host's latest state. */
export type SweepRecord =
  | { table: 'run'; run: SweepRun }
  | { table: 'result'; runId: string; result: SweepResult }
  | {
      table: 'host';
      target: string;
      host: string;
      state: 'up' | 'down';
      stateSince: number;
      runId: string;
      result: SweepResult;
    };

/** Hosts copy as the rows `HostStore.load()` returns; silences with their ids. */
export type HostRecord = StoredHost;
export type SilenceRecord = Silence;

/**
 * Keyset paging shared by both backends: `page(after, limit)` returns up to `limit` rows
 * after the key `after` (undefined: from the start) in key order; `keyOf` gives a row's key.
 * Yields non-empty pages until a short one.
 */
export async function* keysetPages<R, K>(
  page: (after: K | undefined, limit: number) => R[] | Promise<R[]>,
  keyOf: (row: R) => K,
  pageSize: number,
): AsyncGenerator<R[]> {
  const limit = Math.max(1, Math.floor(pageSize));
  let after: K | undefined;
  for (;;) {
    const rows = await page(after, limit);
    if (rows.length > 0) yield rows;
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < limit) return;
    after = keyOf(last);
  }
}

/** A domain interface without its {@link RowCopy} methods (a backend adds them apart). */
export type WithoutCopy<T> = Omit<T, keyof RowCopy<unknown>>;
