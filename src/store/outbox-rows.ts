/**
 * Outbox rows (`notify_outbox`, `notify_batches`, `notify_alerts`, `notify_cursor`) and their
 * mappings, shared by both backends (see rows.ts).
 */
import type { HostEvent } from '../monitor/types.js';
import type { OutboxItem } from '../notify/grouping.js';
import type { OutboxBatchRecord, OutboxRecord, OutboxRowRecord } from './records.js';
import type { OpenAlert, QueuedBatch } from './values.js';

type OutboxRow = {
  id: number;
  event_id: number;
  notifier: string;
  reminder: number;
  event_json: string;
  created_at: number;
  ready_at: number;
  state: OutboxRowRecord['state'];
  reason: string | null;
  batch_id: string | null;
};
export type BatchRow = {
  id: string;
  seq: number;
  notifier: string;
  kind: OutboxBatchRecord['kind'];
  title: string;
  text: string;
  created_at: number;
  deadline_at: number;
  attempts: number;
  next_attempt_at: number;
  state: OutboxBatchRecord['state'];
  last_error: string | null;
  sent_at: number | null;
};
export type AlertRow = {
  notifier: string;
  host_id: string;
  key: string;
  event_id: number;
  opened_at: number;
  last_notified_at: number;
  reminders: number;
};

/** The key of an open alert in {@link ClaimContext}'s `open` set. */
export const alertKey = (hostId: string, key: string) => `${hostId}\u0000${key}`;

/** An outbox row's copy of its event: JSON text (SQLite) or an object (PostgreSQL); never guessed. */
export const eventJson = (v: unknown): HostEvent => (typeof v === 'string' ? JSON.parse(v) : v) as HostEvent;

/** A pending row as the planner's item; `event_json` is text (SQLite) or an object (PostgreSQL). */
export function itemFromRow(r: {
  id: number;
  notifier: string;
  reminder: number;
  ready_at: number;
  event_json: unknown;
}): OutboxItem {
  return {
    rowId: r.id,
    notifier: r.notifier,
    reminder: r.reminder,
    readyAt: r.ready_at,
    event: eventJson(r.event_json),
  };
}

/** A `notify_batches` row and its rows' events as the dispatcher's queued batch. */
export function queuedBatchFromRow(
  r: Omit<BatchRow, 'seq' | 'state' | 'last_error' | 'sent_at'>,
  events: HostEvent[],
): QueuedBatch {
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

/** The columns {@link queuedBatchFromRow} reads. */
export const QUEUED_BATCH_COLUMNS =
  'id, notifier, kind, title, text, created_at, deadline_at, attempts, next_attempt_at';

export const alertFromRow = (r: AlertRow): OpenAlert => ({
  notifier: r.notifier,
  hostId: r.host_id,
  key: r.key,
  eventId: r.event_id,
  openedAt: r.opened_at,
  lastNotifiedAt: r.last_notified_at,
  reminders: r.reminders,
});
const alertToRow = (a: OpenAlert): AlertRow => ({
  notifier: a.notifier,
  host_id: a.hostId,
  key: a.key,
  event_id: a.eventId,
  opened_at: a.openedAt,
  last_notified_at: a.lastNotifiedAt,
  reminders: a.reminders,
});

/** Outbox rows as copy records and back. */
export const outboxRowToRecord = (r: OutboxRow): OutboxRowRecord => ({
  table: 'outbox',
  id: r.id,
  eventId: r.event_id,
  notifier: r.notifier,
  reminder: r.reminder,
  eventJson: r.event_json,
  createdAt: r.created_at,
  readyAt: r.ready_at,
  state: r.state,
  reason: r.reason,
  batchId: r.batch_id,
});
const outboxRecordToRow = (r: OutboxRowRecord): OutboxRow => ({
  id: r.id,
  event_id: r.eventId,
  notifier: r.notifier,
  reminder: r.reminder,
  event_json: r.eventJson,
  created_at: r.createdAt,
  ready_at: r.readyAt,
  state: r.state,
  reason: r.reason,
  batch_id: r.batchId,
});
export const batchRowToRecord = (r: BatchRow): OutboxBatchRecord => ({
  table: 'batch',
  id: r.id,
  seq: r.seq,
  notifier: r.notifier,
  kind: r.kind,
  title: r.title,
  text: r.text,
  createdAt: r.created_at,
  deadlineAt: r.deadline_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  state: r.state,
  lastError: r.last_error,
  sentAt: r.sent_at,
});
const batchRecordToRow = (r: OutboxBatchRecord): BatchRow => ({
  id: r.id,
  seq: r.seq,
  notifier: r.notifier,
  kind: r.kind,
  title: r.title,
  text: r.text,
  created_at: r.createdAt,
  deadline_at: r.deadlineAt,
  attempts: r.attempts,
  next_attempt_at: r.nextAttemptAt,
  state: r.state,
  last_error: r.lastError,
  sent_at: r.sentAt,
});
export const alertRowToRecord = (r: AlertRow): OutboxRecord => ({ table: 'alert', ...alertFromRow(r) });

/** Outbox copy records split into each table's rows, parents first. */
export function outboxImportRows(records: readonly OutboxRecord[]) {
  const rows: OutboxRow[] = [];
  const batches: BatchRow[] = [];
  const alerts: AlertRow[] = [];
  const cursor: Array<{ id: 1; event_id: number }> = [];
  for (const r of records) {
    if (r.table === 'outbox') rows.push(outboxRecordToRow(r));
    else if (r.table === 'batch') batches.push(batchRecordToRow(r));
    else if (r.table === 'alert') alerts.push(alertToRow(r));
    else cursor.push({ id: 1, event_id: r.eventId });
  }
  return { notify_outbox: rows, notify_batches: batches, notify_alerts: alerts, notify_cursor: cursor };
}
