import type { Statement } from 'better-sqlite3';
import type { HostEvent } from '../monitor/types.js';
import type { OutboxItem } from '../notify/grouping.js';
import type { NotificationBatch } from '../notify/types.js';
import type { Db, Migrations } from './db.js';

/**
 * The durable notification outbox (domain `notify-outbox`):
 * - `notify_outbox`: one row per (event, notifier, reminder number), inserted in the very
 *   transaction that records the event; UNIQUE so a replay can never queue it twice;
 * - `notify_batches`: a message formed from a group of rows; its rows, title and text are
 *   fixed when formed, so every retry (also after a crash) sends the same message with the
 *   same id;
 * - `notify_alerts`: problems a notifier was told about and not yet told are resolved
 *   ("resolved always follows a notified down", reminders);
 * - `notify_cursor`: the last event id handed to the outbox (catch-up after a crash).
 */
export const outboxMigrations: Migrations = {
  domain: 'notify-outbox',
  steps: [
    (db) => {
      db.exec(`
        CREATE TABLE notify_outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id INTEGER NOT NULL,
          notifier TEXT NOT NULL,
          reminder INTEGER NOT NULL DEFAULT 0,
          event_json TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          ready_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'batched', 'sent', 'suppressed', 'failed')),
          reason TEXT,
          batch_id TEXT,
          UNIQUE (event_id, notifier, reminder)
        );
        CREATE INDEX notify_outbox_pending ON notify_outbox (notifier, state, ready_at);
        CREATE INDEX notify_outbox_batch ON notify_outbox (batch_id);
        CREATE TABLE notify_batches (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL,
          notifier TEXT NOT NULL,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          text TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          deadline_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
          last_error TEXT,
          sent_at INTEGER
        );
        CREATE INDEX notify_batches_queue ON notify_batches (notifier, state, seq);
        CREATE TABLE notify_alerts (
          notifier TEXT NOT NULL,
          host_id TEXT NOT NULL,
          key TEXT NOT NULL,
          event_id INTEGER NOT NULL,
          opened_at INTEGER NOT NULL,
          last_notified_at INTEGER NOT NULL,
          reminders INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (notifier, host_id, key)
        );
        CREATE TABLE notify_cursor (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          event_id INTEGER NOT NULL
        );
      `);
    },
    (db) => {
      // Every dispatcher step asks for "pending rows / queued batches / due alerts": partial
      // and plain indexes keep those O(log n) however much delivered history the table holds.
      db.exec(`
        CREATE INDEX notify_outbox_ready ON notify_outbox (notifier, ready_at) WHERE state = 'pending';
        CREATE INDEX notify_outbox_state ON notify_outbox (state);
        CREATE INDEX notify_batches_seq ON notify_batches (seq);
        CREATE INDEX notify_batches_due ON notify_batches (notifier, next_attempt_at) WHERE state = 'queued';
        CREATE INDEX notify_alerts_due ON notify_alerts (last_notified_at);
      `);
    },
  ],
};

/** A batch waiting to be (re)sent, with its rows' events. */
export interface QueuedBatch {
  batch: NotificationBatch;
  attempts: number;
  nextAttemptAt: number;
  deadlineAt: number;
}

export interface OpenAlert {
  notifier: string;
  hostId: string;
  key: string;
  eventId: number;
  openedAt: number;
  lastNotifiedAt: number;
  reminders: number;
}

interface ItemRow {
  id: number;
  event_id: number;
  notifier: string;
  reminder: number;
  event_json: string;
  ready_at: number;
}

interface BatchRow {
  id: string;
  notifier: string;
  kind: NotificationBatch['kind'];
  title: string;
  text: string;
  created_at: number;
  deadline_at: number;
  attempts: number;
  next_attempt_at: number;
}

interface AlertRow {
  notifier: string;
  host_id: string;
  key: string;
  event_id: number;
  opened_at: number;
  last_notified_at: number;
  reminders: number;
}

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
    firstReady: p(`SELECT notifier, MIN(ready_at) AS ready_at FROM notify_outbox
                     WHERE state = 'pending' GROUP BY notifier`),
    suppress: p(`UPDATE notify_outbox SET state = 'suppressed', reason = ? WHERE id = ?`),
    batchRow: p(`UPDATE notify_outbox SET state = 'batched', batch_id = ? WHERE id = ?`),
    nextSeq: p('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM notify_batches'),
    insertBatch: p(`INSERT INTO notify_batches
                      (id, seq, notifier, kind, title, text, created_at, deadline_at, next_attempt_at)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    headBatch: p(`SELECT id, notifier, kind, title, text, created_at, deadline_at, attempts, next_attempt_at
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
    alertGet: p('SELECT 1 FROM notify_alerts WHERE notifier = ? AND host_id = ? AND key = ?'),
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
    alertsOf: p('SELECT * FROM notify_alerts WHERE notifier = ?'),
    rewrite: p('UPDATE notify_outbox SET event_json = ? WHERE id = ?'),
    pruneRows: p(`DELETE FROM notify_outbox
                  WHERE state IN ('sent', 'suppressed', 'failed') AND created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM notify_alerts a
                                    WHERE a.event_id = notify_outbox.event_id AND a.notifier = notify_outbox.notifier)`),
    pruneBatches: p(`DELETE FROM notify_batches WHERE state IN ('sent', 'failed') AND created_at < ?`),
  };
}

/** Prepared statements over one db; every method is synchronous (better-sqlite3). */
export class OutboxStore {
  private readonly s: ReturnType<typeof prepareAll>;

  constructor(private readonly db: Db) {
    this.s = prepareAll(db);
  }

  /** The last event id handed to the outbox; undefined on a fresh database. */
  cursor(): number | undefined {
    return (this.s.cursorGet.get() as { event_id: number } | undefined)?.event_id;
  }

  setCursor(eventId: number): void {
    this.s.cursorSet.run(eventId);
  }

  /** Queues one row (no-op when it exists: nothing is queued twice for one event). */
  enqueue(event: HostEvent, notifier: string, reminder: number, now: number, readyAt: number): boolean {
    return this.s.insert.run(event.id, notifier, reminder, JSON.stringify(event), now, readyAt).changes > 0;
  }

  /** Rows of one notifier that are ready by `now`, oldest first. */
  pending(notifier: string, now: number): OutboxItem[] {
    return (this.s.pendingFor.all(notifier, now) as ItemRow[]).map((r) => ({
      rowId: r.id,
      notifier: r.notifier,
      reminder: r.reminder,
      readyAt: r.ready_at,
      event: JSON.parse(r.event_json) as HostEvent,
    }));
  }

  /** Earliest `ready_at` of pending rows per notifier (group windows start there). */
  firstReady(): Map<string, number> {
    const rows = this.s.firstReady.all() as Array<{ notifier: string; ready_at: number }>;
    return new Map(rows.map((r) => [r.notifier, r.ready_at]));
  }

  suppress(rowId: number, reason: string): void {
    this.s.suppress.run(reason, rowId);
  }

  /** Replaces the event a row will send (e.g. a parent's `down` with its dependents listed). */
  rewriteEvent(rowId: number, event: HostEvent): void {
    this.s.rewrite.run(JSON.stringify(event), rowId);
  }

  /** Forms a batch from rows; returns its id (`<notifier>-<seq>`, stable across retries). */
  addBatch(
    notifier: string,
    kind: NotificationBatch['kind'],
    title: string,
    text: string,
    rowIds: readonly number[],
    now: number,
    deadlineAt: number,
  ): string {
    const seq = (this.s.nextSeq.get() as { seq: number }).seq;
    const id = `${notifier}-${seq}`;
    this.s.insertBatch.run(id, seq, notifier, kind, title, text, now, deadlineAt, now);
    for (const r of rowIds) this.s.batchRow.run(id, r);
    return id;
  }

  /** The oldest unsent batch of a notifier (batches go out in order, one at a time). */
  head(notifier: string): QueuedBatch | undefined {
    const r = this.s.headBatch.get(notifier) as BatchRow | undefined;
    if (!r) return undefined;
    const events = (this.s.batchEvents.all(r.id) as Array<{ event_json: string }>).map(
      (x) => JSON.parse(x.event_json) as HostEvent,
    );
    return {
      batch: {
        id: r.id,
        notifier: r.notifier,
        kind: r.kind,
        title: r.title,
        text: r.text,
        events,
        createdAt: r.created_at,
      },
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      deadlineAt: r.deadline_at,
    };
  }

  /** Earliest next attempt per notifier with queued batches. */
  headTimes(): Map<string, number> {
    const rows = this.s.headTimes.all() as Array<{ notifier: string; at: number }>;
    return new Map(rows.map((r) => [r.notifier, r.at]));
  }

  /** Marks a batch and its rows sent, in one transaction. */
  markSent(batchId: string, now: number): void {
    this.db.transaction(() => {
      this.s.batchSent.run(now, batchId);
      this.s.rowsSent.run(batchId);
    })();
  }

  markRetry(batchId: string, nextAttemptAt: number, error: string): void {
    this.s.batchRetry.run(nextAttemptAt, error, batchId);
  }

  markFailed(batchId: string, error: string): void {
    this.db.transaction(() => {
      this.s.batchFailed.run(error, batchId);
      this.s.rowsFailed.run(error, batchId);
    })();
  }

  /** Rows not yet delivered, failed or suppressed (all notifiers). */
  depth(): number {
    return (this.s.depth.get() as { n: number }).n;
  }

  isOpen(notifier: string, hostId: string, key: string): boolean {
    return this.s.alertGet.get(notifier, hostId, key) !== undefined;
  }

  openAlert(notifier: string, hostId: string, key: string, eventId: number, now: number): void {
    this.s.alertOpen.run(notifier, hostId, key, eventId, now, now);
  }

  closeAlert(notifier: string, hostId: string, key: string): void {
    this.s.alertClose.run(notifier, hostId, key);
  }

  /** Open alerts last notified at or before `before` (reminder candidates). */
  alertsDue(before: number): OpenAlert[] {
    return (this.s.alertsDue.all(before) as AlertRow[]).map(toAlert);
  }

  /** Earliest `last_notified_at` of any open alert (for the reminder timer). */
  nextAlertNotified(): number | undefined {
    return (this.s.alertNextDue.get() as { at: number | null }).at ?? undefined;
  }

  alertsOf(notifier: string): OpenAlert[] {
    return (this.s.alertsOf.all(notifier) as AlertRow[]).map(toAlert);
  }

  /** Queues the next reminder of an open alert (its original event, reminder n+1). */
  remind(a: OpenAlert, now: number): boolean {
    const json = (this.s.eventJson.get(a.eventId, a.notifier) as { event_json: string } | undefined)
      ?.event_json;
    this.s.alertReminded.run(now, a.notifier, a.hostId, a.key);
    if (json === undefined) return false;
    return this.enqueue(JSON.parse(json) as HostEvent, a.notifier, a.reminders + 1, now, now);
  }

  /** Deletes finished rows and batches created before `before`; returns rows deleted. */
  prune(before: number): number {
    const n = this.s.pruneRows.run(before).changes;
    this.s.pruneBatches.run(before);
    return n;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toAlert(r: AlertRow): OpenAlert {
  return {
    notifier: r.notifier,
    hostId: r.host_id,
    key: r.key,
    eventId: r.event_id,
    openedAt: r.opened_at,
    lastNotifiedAt: r.last_notified_at,
    reminders: r.reminders,
  };
}
