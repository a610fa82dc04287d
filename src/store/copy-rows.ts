/**
 * Row <-> record mappings of the copied tables whose columns both backends share (the
 * outbox's tables, `sweep_hosts`), so the column names live once (src/store/records.ts).
 */
import type { OutboxBatchRecord, OutboxRecord, OutboxRowRecord, SweepRecord } from './records.js';
import { type ResultRow, fromRow as resultFromRow, toRow as resultToRow } from './sweeps.js';

export type OutboxRow = {
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

/** Outbox rows as records and back; shared with the PostgreSQL backend (same columns). */
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
export const outboxRecordToRow = (r: OutboxRowRecord): OutboxRow => ({
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
export const batchRecordToRow = (r: OutboxBatchRecord): BatchRow => ({
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
export const alertRowToRecord = (r: AlertRow): OutboxRecord => ({
  table: 'alert',
  notifier: r.notifier,
  hostId: r.host_id,
  key: r.key,
  eventId: r.event_id,
  openedAt: r.opened_at,
  lastNotifiedAt: r.last_notified_at,
  reminders: r.reminders,
});

/** A `sweep_hosts` row (both backends). */
export type SweepHostRow = ResultRow & { state: string; state_since: number; run_id: string };

/** A `sweep_hosts` row as a record and back (both backends). */
export function sweepHostRecord(r: SweepHostRow): SweepRecord {
  return {
    table: 'host',
    target: r.target,
    host: r.host,
    state: r.state === 'up' ? 'up' : 'down',
    stateSince: r.state_since,
    runId: r.run_id,
    result: resultFromRow(r),
  };
}
export function sweepHostRow(r: Extract<SweepRecord, { table: 'host' }>): SweepHostRow {
  return {
    ...resultToRow(r.result),
    host: r.host,
    target: r.target,
    state: r.state,
    state_since: r.stateSince,
    run_id: r.runId,
  };
}
