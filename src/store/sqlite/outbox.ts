/**
 * The notification outbox on SQLite: prepared statements over one file, each call
 * synchronous underneath (better-sqlite3). One process owns the file, so a claim is simply
 * a transaction; the plan is written through the shared {@link applyPlan} order.
 */
import type { Statement } from 'better-sqlite3';
import type { HostEvent } from '../../monitor/types.js';
import { applyPlan, type PlanWriter } from '../outbox-plan.js';
import {
  type AlertRow,
  alertFromRow,
  alertKey,
  type BatchRow,
  eventJson,
  itemFromRow,
  QUEUED_BATCH_COLUMNS,
  queuedBatchFromRow,
} from '../outbox-rows.js';
import type { WithoutCopy } from '../records.js';
import type { NewOutboxRow, OutboxStore } from '../types.js';
import type { Db } from './db.js';
import type { SqliteTx } from './fence.js';

function prepareAll(db: Db) {
  const p = (sql: string): Statement<unknown[]> => db.prepare(sql);
  return {
    insert:
      p(`INSERT OR IGNORE INTO notify_outbox (event_id, notifier, reminder, event_json, created_at, ready_at)
               VALUES (?, ?, ?, ?, ?, ?)`),
    cursorGet: p('SELECT event_id FROM notify_cursor WHERE id = 1'),
    cursorSet: p(`INSERT INTO notify_cursor (id, event_id) VALUES (1, ?)
                  ON CONFLICT(id) DO UPDATE SET event_id = max(event_id, excluded.event_id)`),
    pendingFor: p(`SELECT id, event_id, notifier, reminder, event_json, ready_at FROM notify_outbox
                   WHERE notifier = ? AND state = 'pending' AND ready_at <= ? ORDER BY id`),
    firstReady: p(`SELECT notifier, MIN(ready_at) AS at FROM notify_outbox
                   WHERE state = 'pending' GROUP BY notifier`),
    suppress: p(`UPDATE notify_outbox SET state = 'suppressed', reason = ? WHERE id = ?`),
    batchRow: p(`UPDATE notify_outbox SET state = 'batched', batch_id = ? WHERE id = ?`),
    nextSeq: p('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM notify_batches'),
    insertBatch: p(`INSERT INTO notify_batches
                    (id, seq, notifier, kind, title, text, created_at, deadline_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    headBatch: p(`SELECT ${QUEUED_BATCH_COLUMNS}
                  FROM notify_batches WHERE notifier = ? AND state = 'queued' ORDER BY seq LIMIT 1`),
    batchEvents: p(`SELECT event_json FROM notify_outbox WHERE batch_id = ? ORDER BY event_id, reminder`),
    batchSent: p(
      `UPDATE notify_batches SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?`,
    ),
    rowsSent: p(`UPDATE notify_outbox SET state = 'sent' WHERE batch_id = ?`),
    batchRetry: p(
      `UPDATE notify_batches SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`,
    ),
    batchFailed: p(
      `UPDATE notify_batches SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`,
    ),
    rowsFailed: p(`UPDATE notify_outbox SET state = 'failed', reason = ? WHERE batch_id = ?`),
    headTimes: p(
      `SELECT notifier, MIN(next_attempt_at) AS at FROM notify_batches WHERE state = 'queued' GROUP BY notifier`,
    ),
    depth: p(`SELECT COUNT(*) AS n FROM notify_outbox WHERE state IN ('pending', 'batched')`),
    alertOpen: p(`INSERT INTO notify_alerts (notifier, host_id, key, event_id, opened_at, last_notified_at)
                  VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT(notifier, host_id, key) DO UPDATE SET event_id = excluded.event_id,
                    last_notified_at = excluded.last_notified_at`),
    alertClose: p('DELETE FROM notify_alerts WHERE notifier = ? AND host_id = ? AND key = ?'),
    alertsDue: p(`SELECT * FROM notify_alerts WHERE last_notified_at <= ? ORDER BY opened_at`),
    alertNextDue: p('SELECT MIN(last_notified_at) AS at FROM notify_alerts'),
    alertReminded: p(`UPDATE notify_alerts SET reminders = reminders + 1, last_notified_at = ?
                      WHERE notifier = ? AND host_id = ? AND key = ?`),
    eventJson: p(`SELECT event_json FROM notify_outbox WHERE event_id = ? AND notifier = ? AND reminder = 0`),
    alertsOf: p('SELECT * FROM notify_alerts WHERE notifier = ? ORDER BY host_id, key'),
    rewrite: p('UPDATE notify_outbox SET event_json = ? WHERE id = ?'),
    pruneRows: p(`DELETE FROM notify_outbox
                  WHERE state IN ('sent', 'suppressed', 'failed') AND created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM notify_alerts a
                                    WHERE a.event_id = notify_outbox.event_id AND a.notifier = notify_outbox.notifier)`),
    pruneBatches: p(`DELETE FROM notify_batches WHERE state IN ('sent', 'failed') AND created_at < ?`),
  };
}

/** The statements the event transaction needs too (queue the hooks' rows, raise the cursor). */
export interface OutboxStatements {
  /** Queues rows (a row already there is left alone); returns how many were new. */
  enqueueRows(rows: readonly NewOutboxRow[]): number;
  /** Raises the cursor (never lowers it). */
  setCursor(eventId: number): void;
}

/** The outbox of one database: its async {@link OutboxStore} and the {@link OutboxStatements}. */
export function sqliteOutbox(
  db: Db,
  tx: SqliteTx,
): { store: WithoutCopy<OutboxStore>; statements: OutboxStatements } {
  const s = prepareAll(db);
  const perNotifier = (st: Statement<unknown[]>) =>
    new Map((st.all() as Array<{ notifier: string; at: number }>).map((r) => [r.notifier, r.at]));
  const statements: OutboxStatements = {
    enqueueRows: (rows) => {
      let n = 0;
      for (const r of rows) {
        const json = JSON.stringify(r.event);
        n += s.insert.run(r.event.id, r.notifier, r.reminder, json, r.createdAt, r.readyAt).changes;
      }
      return n;
    },
    setCursor: (eventId) => {
      s.cursorSet.run(eventId);
    },
  };
  const pending = (notifier: string, now: number) =>
    (s.pendingFor.all(notifier, now) as Parameters<typeof itemFromRow>[0][]).map(itemFromRow);
  const writer = (notifier: string, now: number, deadlineAt: number): PlanWriter<void> => ({
    suppress: (rows) => {
      for (const r of rows) s.suppress.run(r.reason, r.rowId);
    },
    closeAlerts: (alerts) => {
      for (const a of alerts) s.alertClose.run(notifier, a.hostId, a.key);
    },
    openAlerts: (alerts) => {
      for (const a of alerts) s.alertOpen.run(notifier, a.hostId, a.key, a.eventId, now, now);
    },
    rewrite: (rows) => {
      for (const r of rows) s.rewrite.run(JSON.stringify(r.event), r.rowId);
    },
    addBatch: (b) => {
      const seq = (s.nextSeq.get() as { seq: number }).seq;
      const id = `${notifier}-${seq}`;
      s.insertBatch.run(id, seq, notifier, b.kind, b.title, b.text, now, deadlineAt, now);
      for (const r of b.rowIds) s.batchRow.run(id, r);
      return id;
    },
  });
  const store: WithoutCopy<OutboxStore> = {
    cursor: async () => (s.cursorGet.get() as { event_id: number } | undefined)?.event_id,
    setCursor: (eventId, fence) => tx(fence, () => statements.setCursor(eventId)),
    enqueue: (rows, fence) => tx(fence, () => statements.enqueueRows(rows)),
    firstReady: async () => perNotifier(s.firstReady),
    pending: async (notifier, now) => pending(notifier, now),
    claim: (notifier, now, deadlineAt, plan, fence) =>
      tx(fence, () => {
        const items = pending(notifier, now);
        if (items.length === 0) return { batchIds: [], claimed: 0 };
        const open = new Set((s.alertsOf.all(notifier) as AlertRow[]).map((a) => alertKey(a.host_id, a.key)));
        const batchIds = applyPlan(plan({ items, open }), writer(notifier, now, deadlineAt));
        return { batchIds, claimed: items.length };
      }),
    headTimes: async () => perNotifier(s.headTimes),
    head: async (notifier) => {
      const r = s.headBatch.get(notifier) as BatchRow | undefined;
      if (!r) return undefined;
      const events = (s.batchEvents.all(r.id) as Array<{ event_json: string }>).map((x) =>
        eventJson(x.event_json),
      );
      return queuedBatchFromRow(r, events);
    },
    markSent: (batchId, now, fence) =>
      tx(fence, () => {
        s.batchSent.run(now, batchId);
        s.rowsSent.run(batchId);
      }),
    markRetry: (batchId, nextAttemptAt, error, fence) =>
      tx(fence, () => {
        s.batchRetry.run(nextAttemptAt, error, batchId);
      }),
    markFailed: (batchId, error, fence) =>
      tx(fence, () => {
        s.batchFailed.run(error, batchId);
        s.rowsFailed.run(error, batchId);
      }),
    depth: async () => (s.depth.get() as { n: number }).n,
    alerts: async (notifier) => (s.alertsOf.all(notifier) as AlertRow[]).map(alertFromRow),
    nextAlertNotified: async () => (s.alertNextDue.get() as { at: number | null }).at ?? undefined,
    remindDue: (before, now, notifiers, fence) => {
      const names = new Set(notifiers);
      return tx(fence, () => {
        let n = 0;
        for (const a of (s.alertsDue.all(before) as AlertRow[]).map(alertFromRow)) {
          if (!names.has(a.notifier)) continue;
          const json = (s.eventJson.get(a.eventId, a.notifier) as { event_json: string } | undefined)
            ?.event_json;
          s.alertReminded.run(now, a.notifier, a.hostId, a.key);
          if (json === undefined) continue;
          const event: HostEvent = eventJson(json);
          n += statements.enqueueRows([
            { event, notifier: a.notifier, reminder: a.reminders + 1, createdAt: now, readyAt: now },
          ]);
        }
        return n;
      });
    },
    prune: (before, fence) =>
      tx(fence, () => {
        const n = s.pruneRows.run(before).changes;
        s.pruneBatches.run(before);
        return n;
      }),
  };
  return { store, statements };
}
