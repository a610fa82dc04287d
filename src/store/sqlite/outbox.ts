/**
 * The SQLite outbox behind the async {@link OutboxStore} interface: the prepared statements
 * of src/store/outbox.ts, each call synchronous underneath (better-sqlite3). One process
 * owns the file, so a claim is simply a transaction.
 */
import type { GroupPlan } from '../../notify/grouping.js';
import type { Db } from '../db.js';
import { OutboxStore as SqlOutbox } from '../outbox.js';
import type { ClaimContext, Fence, NewOutboxRow, OutboxRecord, OutboxStore, RowCopy } from '../types.js';
import { sqliteOutboxCopy } from './copy.js';
import { checkFence } from './fence.js';

/** Applies a dispatcher plan (suppress, close, open, rewrite, batches) with the statements of `s`. */
export function applyPlan(
  s: SqlOutbox,
  notifier: string,
  plan: GroupPlan,
  now: number,
  deadlineAt: number,
): string[] {
  for (const x of plan.suppressed) s.suppress(x.rowId, x.detail ? `${x.reason}: ${x.detail}` : x.reason);
  // Closes first: a problem resolved and raised again within one group ends open.
  for (const c of plan.close) s.closeAlert(notifier, c.hostId, c.key);
  for (const a of plan.open) s.openAlert(notifier, a.hostId, a.key, a.eventId, now);
  for (const r of plan.rewrites) s.rewriteEvent(r.rowId, r.event);
  return plan.batches.map((b) => s.addBatch(notifier, b.kind, b.title, b.text, b.rowIds, now, deadlineAt));
}

/** Queues rows with the statements of `s`; returns how many were new. */
export function enqueueRows(s: SqlOutbox, rows: readonly NewOutboxRow[]): number {
  let n = 0;
  for (const r of rows) if (s.enqueue(r.event, r.notifier, r.reminder, r.createdAt, r.readyAt)) n++;
  return n;
}

export class SqliteOutbox implements OutboxStore {
  readonly sql: SqlOutbox;
  private readonly copy: RowCopy<OutboxRecord>;

  constructor(private readonly db: Db) {
    this.sql = new SqlOutbox(db);
    this.copy = sqliteOutboxCopy(db);
  }

  exportPages(pageSize?: number) {
    return this.copy.exportPages(pageSize);
  }
  importRows(rows: readonly OutboxRecord[]) {
    return this.copy.importRows(rows);
  }
  countRows() {
    return this.copy.countRows();
  }

  private tx<T>(fence: Fence | undefined, fn: () => T): Promise<T> {
    return Promise.resolve().then(() =>
      this.db.transaction(() => {
        checkFence(fence);
        return fn();
      })(),
    );
  }

  async cursor() {
    return this.sql.cursor();
  }
  setCursor(eventId: number, fence?: Fence) {
    return this.tx(fence, () => this.sql.setCursor(eventId));
  }
  enqueue(rows: readonly NewOutboxRow[], fence?: Fence) {
    return this.tx(fence, () => enqueueRows(this.sql, rows));
  }
  async firstReady() {
    return this.sql.firstReady();
  }
  async pending(notifier: string, now: number) {
    return this.sql.pending(notifier, now);
  }
  claim(
    notifier: string,
    now: number,
    deadlineAt: number,
    plan: (ctx: ClaimContext) => GroupPlan,
    fence?: Fence,
  ) {
    return this.tx(fence, () => {
      const items = this.sql.pending(notifier, now);
      if (items.length === 0) return { batchIds: [], claimed: 0 };
      const open = new Set(this.sql.alertsOf(notifier).map((a) => `${a.hostId}\u0000${a.key}`));
      const batchIds = applyPlan(this.sql, notifier, plan({ items, open }), now, deadlineAt);
      return { batchIds, claimed: items.length };
    });
  }
  async headTimes() {
    return this.sql.headTimes();
  }
  async head(notifier: string) {
    return this.sql.head(notifier);
  }
  markSent(batchId: string, now: number, fence?: Fence) {
    return this.tx(fence, () => this.sql.markSent(batchId, now));
  }
  markRetry(batchId: string, nextAttemptAt: number, error: string, fence?: Fence) {
    return this.tx(fence, () => this.sql.markRetry(batchId, nextAttemptAt, error));
  }
  markFailed(batchId: string, error: string, fence?: Fence) {
    return this.tx(fence, () => this.sql.markFailed(batchId, error));
  }
  async depth() {
    return this.sql.depth();
  }
  async alerts(notifier: string) {
    return this.sql.alertsOf(notifier);
  }
  async nextAlertNotified() {
    return this.sql.nextAlertNotified();
  }
  remindDue(before: number, now: number, notifiers: readonly string[], fence?: Fence) {
    const names = new Set(notifiers);
    return this.tx(fence, () => {
      let n = 0;
      for (const a of this.sql.alertsDue(before)) if (names.has(a.notifier) && this.sql.remind(a, now)) n++;
      return n;
    });
  }
  prune(before: number, fence?: Fence) {
    return this.tx(fence, () => this.sql.prune(before));
  }
}
