/**
 * The notification outbox on PostgreSQL. A claim locks a notifier's ready rows with
 * `FOR UPDATE SKIP LOCKED` inside the fenced transaction that also fixes the plan, so two
 * monitors (or two steps) never put one row in two batches. Batch ids come from a sequence
 * (`<notifier>-<seq>`) and never change across retries.
 */
import type pg from 'pg';
import type { HostEvent } from '../../monitor/types.js';
import type { GroupPlan } from '../../notify/grouping.js';
import { applyPlan, type PlanWriter } from '../outbox-plan.js';
import {
  type AlertRow,
  alertFromRow,
  alertKey,
  type BatchRow,
  itemFromRow,
  QUEUED_BATCH_COLUMNS,
  queuedBatchFromRow,
} from '../outbox-rows.js';
import type { WithoutCopy } from '../records.js';
import type { ClaimContext, Fence, NewOutboxRow, OutboxStore, QueuedBatch } from '../types.js';
import type { PgDb, Queryable } from './client.js';

const INSERT_ROWS = `INSERT INTO notify_outbox (event_id, notifier, reminder, event_json, created_at, ready_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::json[], $5::bigint[], $6::bigint[])
  ON CONFLICT (event_id, notifier, reminder) DO NOTHING`;

/** Queues rows on `c` in one statement; returns how many were new. */
export async function enqueueRows(c: Queryable, rows: readonly NewOutboxRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await c.query(INSERT_ROWS, [
    rows.map((x) => x.event.id),
    rows.map((x) => x.notifier),
    rows.map((x) => x.reminder),
    rows.map((x) => JSON.stringify(x.event)),
    rows.map((x) => Math.round(x.createdAt)),
    rows.map((x) => Math.round(x.readyAt)),
  ]);
  return r.rowCount ?? 0;
}

/** Raises the outbox cursor on `c` (never lowers it). */
export async function setCursor(c: Queryable, eventId: number): Promise<void> {
  await c.query(
    `INSERT INTO notify_cursor (id, event_id) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET event_id = GREATEST(notify_cursor.event_id, EXCLUDED.event_id)`,
    [eventId],
  );
}

interface ItemRow {
  id: number;
  notifier: string;
  reminder: number;
  event_json: HostEvent;
  ready_at: number;
}

const PENDING = `SELECT id, notifier, reminder, event_json, ready_at FROM notify_outbox
  WHERE notifier = $1 AND state = 'pending' AND ready_at <= $2 ORDER BY id`;

/** The statements that fix a plan on `c`, one per list (arrays through `unnest`). */
function planWriter(
  c: pg.PoolClient,
  notifier: string,
  now: number,
  deadlineAt: number,
): PlanWriter<Promise<void>> {
  const run = async (sql: string, params: unknown[]) => {
    await c.query(sql, params);
  };
  return {
    suppress: (rows) =>
      run(
        `UPDATE notify_outbox o SET state = 'suppressed', reason = u.reason
         FROM unnest($1::bigint[], $2::text[]) AS u(id, reason) WHERE o.id = u.id`,
        [rows.map((s) => s.rowId), rows.map((s) => s.reason)],
      ),
    closeAlerts: (alerts) =>
      run(
        `DELETE FROM notify_alerts a USING unnest($2::text[], $3::text[]) AS u(host_id, key)
         WHERE a.notifier = $1 AND a.host_id = u.host_id AND a.key = u.key`,
        [notifier, alerts.map((x) => x.hostId), alerts.map((x) => x.key)],
      ),
    openAlerts: (alerts) =>
      run(
        `INSERT INTO notify_alerts (notifier, host_id, key, event_id, opened_at, last_notified_at)
         SELECT $1, u.h, u.k, u.e, $5, $5 FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(h, k, e)
         ON CONFLICT (notifier, host_id, key) DO UPDATE SET event_id = EXCLUDED.event_id,
           last_notified_at = EXCLUDED.last_notified_at`,
        [notifier, alerts.map((a) => a.hostId), alerts.map((a) => a.key), alerts.map((a) => a.eventId), now],
      ),
    rewrite: async (rows) => {
      for (const r of rows) {
        await run('UPDATE notify_outbox SET event_json = $1 WHERE id = $2', [
          JSON.stringify(r.event),
          r.rowId,
        ]);
      }
    },
    addBatch: async (b) => {
      const seq = (await c.query<{ seq: number }>(`SELECT nextval('notify_batch_seq') AS seq`)).rows[0]?.seq;
      const id = `${notifier}-${seq}`;
      await run(
        `INSERT INTO notify_batches (id, seq, notifier, kind, title, text, created_at, deadline_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)`,
        [id, seq, notifier, b.kind, b.title, b.text, now, deadlineAt],
      );
      await run(`UPDATE notify_outbox SET state = 'batched', batch_id = $1 WHERE id = ANY($2::bigint[])`, [
        id,
        b.rowIds,
      ]);
      return id;
    },
  };
}

const perNotifier = (rows: Array<{ notifier: string; at: number }>) =>
  new Map(rows.map((r) => [r.notifier, r.at]));

export function pgOutboxStore(db: PgDb): WithoutCopy<OutboxStore> {
  return {
    cursor: async () =>
      (await db.query<{ event_id: number }>('SELECT event_id FROM notify_cursor WHERE id = 1'))[0]?.event_id,
    setCursor: (eventId, fence) => db.tx(fence, (c) => setCursor(c, eventId)),
    enqueue: (rows, fence) => db.tx(fence, (c) => enqueueRows(c, rows)),
    firstReady: async () =>
      perNotifier(
        await db.query(
          `SELECT notifier, MIN(ready_at) AS at FROM notify_outbox WHERE state = 'pending' GROUP BY notifier`,
        ),
      ),
    pending: async (notifier, now) => (await db.query<ItemRow>(PENDING, [notifier, now])).map(itemFromRow),
    claim: (notifier, now, deadlineAt, plan: (ctx: ClaimContext) => GroupPlan, fence?: Fence) =>
      db.tx(fence, async (c) => {
        const items = (await c.query<ItemRow>(`${PENDING} FOR UPDATE SKIP LOCKED`, [notifier, now])).rows.map(
          itemFromRow,
        );
        if (items.length === 0) return { batchIds: [], claimed: 0 };
        const alerts = await c.query<AlertRow>('SELECT host_id, key FROM notify_alerts WHERE notifier = $1', [
          notifier,
        ]);
        const open = new Set(alerts.rows.map((a) => alertKey(a.host_id, a.key)));
        const batchIds = await applyPlan(plan({ items, open }), planWriter(c, notifier, now, deadlineAt));
        return { batchIds, claimed: items.length };
      }),
    headTimes: async () =>
      perNotifier(
        await db.query(
          `SELECT notifier, MIN(next_attempt_at) AS at FROM notify_batches WHERE state = 'queued' GROUP BY notifier`,
        ),
      ),
    head: async (notifier): Promise<QueuedBatch | undefined> => {
      const r = (
        await db.query<BatchRow>(
          `SELECT ${QUEUED_BATCH_COLUMNS} FROM notify_batches
           WHERE notifier = $1 AND state = 'queued' ORDER BY seq LIMIT 1`,
          [notifier],
        )
      )[0];
      if (!r) return undefined;
      const events = (
        await db.query<{ event_json: HostEvent }>(
          'SELECT event_json FROM notify_outbox WHERE batch_id = $1 ORDER BY event_id, reminder',
          [r.id],
        )
      ).map((x) => x.event_json);
      return queuedBatchFromRow(r, events);
    },
    markSent: (batchId, now, fence) =>
      db.tx(fence, async (c) => {
        await c.query(
          `UPDATE notify_batches SET state = 'sent', sent_at = $1, attempts = attempts + 1 WHERE id = $2`,
          [now, batchId],
        );
        await c.query(`UPDATE notify_outbox SET state = 'sent' WHERE batch_id = $1`, [batchId]);
      }),
    markRetry: (batchId, nextAttemptAt, error, fence) =>
      db.tx(fence, async (c) => {
        await c.query(
          'UPDATE notify_batches SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3',
          [nextAttemptAt, error, batchId],
        );
      }),
    markFailed: (batchId, error, fence) =>
      db.tx(fence, async (c) => {
        await c.query(
          `UPDATE notify_batches SET state = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2`,
          [error, batchId],
        );
        await c.query(`UPDATE notify_outbox SET state = 'failed', reason = $1 WHERE batch_id = $2`, [
          error,
          batchId,
        ]);
      }),
    depth: async () =>
      (
        await db.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM notify_outbox WHERE state IN ('pending', 'batched')`,
        )
      )[0]?.n ?? 0,
    alerts: async (notifier) =>
      (
        await db.query<AlertRow>('SELECT * FROM notify_alerts WHERE notifier = $1 ORDER BY host_id, key', [
          notifier,
        ])
      ).map(alertFromRow),
    nextAlertNotified: async () =>
      (await db.query<{ at: number | null }>('SELECT MIN(last_notified_at) AS at FROM notify_alerts'))[0]
        ?.at ?? undefined,
    remindDue: (before, now, notifiers, fence) =>
      db.tx(fence, async (c) => {
        const due = (
          await c.query<AlertRow & { event_json: HostEvent | null }>(
            `SELECT a.*, (SELECT o.event_json FROM notify_outbox o
                          WHERE o.event_id = a.event_id AND o.notifier = a.notifier AND o.reminder = 0) AS event_json
             FROM notify_alerts a WHERE a.last_notified_at <= $1 AND a.notifier = ANY($2::text[])
             ORDER BY a.opened_at FOR UPDATE OF a`,
            [before, [...notifiers]],
          )
        ).rows;
        if (due.length === 0) return 0;
        await c.query(
          `UPDATE notify_alerts a SET reminders = a.reminders + 1, last_notified_at = $1
           FROM unnest($2::text[], $3::text[], $4::text[]) AS u(n, h, k)
           WHERE a.notifier = u.n AND a.host_id = u.h AND a.key = u.k`,
          [now, due.map((a) => a.notifier), due.map((a) => a.host_id), due.map((a) => a.key)],
        );
        const rows: NewOutboxRow[] = [];
        for (const a of due) {
          if (a.event_json === null) continue;
          rows.push({
            event: a.event_json,
            notifier: a.notifier,
            reminder: a.reminders + 1,
            createdAt: now,
            readyAt: now,
          });
        }
        return enqueueRows(c, rows);
      }),
    prune: (before, fence) =>
      db.tx(fence, async (c) => {
        const r = await c.query(
          `DELETE FROM notify_outbox o
           WHERE o.state IN ('sent', 'suppressed', 'failed') AND o.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM notify_alerts a WHERE a.event_id = o.event_id AND a.notifier = o.notifier)`,
          [before],
        );
        await c.query(`DELETE FROM notify_batches WHERE state IN ('sent', 'failed') AND created_at < $1`, [
          before,
        ]);
        return r.rowCount ?? 0;
      }),
  };
}
