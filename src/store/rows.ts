/**
 * Rows and their mappings, shared by both backends: the columns of every table are the same
 * on SQLite and PostgreSQL (PostgreSQL casts its JSON and boolean columns to match where a
 * query needs the SQLite form), so the column names and the row <-> value mappings live
 * here once. Pure: no SQL, no I/O. The dialect (placeholders, upserts, JSON types) stays in
 * each backend (src/store/sqlite/, src/store/postgres/).
 */
import type { EventType, HostEvent, HostSource, HostState } from '../monitor/types.js';
import type { OutboxItem } from '../notify/grouping.js';
import type { Silence } from '../notify/types.js';
import type { CheckResult } from '../protocol/types.js';
import type { SweepErrorClass, SweepResult, SweepRun } from '../sweep/types.js';
import type {
  EventRecord,
  OutboxBatchRecord,
  OutboxRecord,
  OutboxRowRecord,
  SweepRecord,
} from './records.js';
import type { OpenAlert, QueuedBatch, StoredHost, SweepHostState } from './values.js';

// ---- hosts ----------------------------------------------------------------------------

/** A `hosts` row in SQLite's form (`checks`/`labels` JSON text, `flapping` 0/1). */
export interface HostRow {
  id: string;
  state: string;
  source: string;
  address: string;
  first_seen_at: number;
  last_beat_at: number;
  state_since: number;
  boot_id: string;
  seq: number;
  sent_at: number;
  interval_ms: number;
  timeout_ms: number;
  uptime_seconds: number;
  load1: number;
  load5: number;
  load15: number;
  mem_total: number;
  mem_available: number;
  disk_total: number;
  disk_used: number;
  checks: string;
  labels: string;
  flapping: number;
  flap_bits: number;
}

/** The columns of `hosts`, in table order (both backends' upserts list them). */
export const HOST_COLUMNS = [
  'id',
  'state',
  'source',
  'address',
  'first_seen_at',
  'last_beat_at',
  'state_since',
  'boot_id',
  'seq',
  'sent_at',
  'interval_ms',
  'timeout_ms',
  'uptime_seconds',
  'load1',
  'load5',
  'load15',
  'mem_total',
  'mem_available',
  'disk_total',
  'disk_used',
  'checks',
  'labels',
  'flapping',
  'flap_bits',
] as const satisfies readonly (keyof HostRow)[];

/**
 * `SET col = <excluded>.col, …` for every host column but the key and `first_seen_at` (a
 * host keeps when it was first seen): the update half of both backends' host upsert.
 */
export function hostUpdateSet(excluded: string): string {
  return HOST_COLUMNS.filter((c) => c !== 'id' && c !== 'first_seen_at')
    .map((c) => `${c} = ${excluded}.${c}`)
    .join(', ');
}

/** A host as a row. */
export function hostToRow(h: StoredHost): HostRow {
  return {
    id: h.id,
    state: h.state,
    source: h.source,
    address: h.address,
    first_seen_at: Math.round(h.firstSeenAt),
    last_beat_at: Math.round(h.lastBeatAt),
    state_since: Math.round(h.stateSince),
    boot_id: h.bootId,
    seq: h.seq,
    sent_at: Math.round(h.sentAt),
    interval_ms: h.intervalMs,
    timeout_ms: h.timeoutMs,
    uptime_seconds: h.uptimeSeconds,
    load1: h.load[0],
    load5: h.load[1],
    load15: h.load[2],
    mem_total: h.memTotalBytes,
    mem_available: h.memAvailableBytes,
    disk_total: h.diskTotalBytes,
    disk_used: h.diskUsedBytes,
    checks: JSON.stringify(h.checks),
    labels: JSON.stringify(h.labels),
    flapping: h.flapping ? 1 : 0,
    flap_bits: h.flapBits,
  };
}

/** JSON text (SQLite) or an already parsed value (PostgreSQL JSON columns); bad text reads as `fallback`. */
function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** A row as a host (bad JSON columns read as empty). */
export function hostFromRow(r: HostRow): StoredHost {
  return {
    id: r.id,
    state: r.state as HostState,
    source: r.source as HostSource,
    address: r.address,
    firstSeenAt: r.first_seen_at,
    lastBeatAt: r.last_beat_at,
    stateSince: r.state_since,
    bootId: r.boot_id,
    seq: r.seq,
    sentAt: r.sent_at,
    intervalMs: r.interval_ms,
    timeoutMs: r.timeout_ms,
    uptimeSeconds: r.uptime_seconds,
    load: [r.load1, r.load5, r.load15],
    memTotalBytes: r.mem_total,
    memAvailableBytes: r.mem_available,
    diskTotalBytes: r.disk_total,
    diskUsedBytes: r.disk_used,
    checks: parseJson<CheckResult[]>(r.checks, []),
    labels: parseJson<Record<string, string>>(r.labels, {}),
    flapping: r.flapping !== 0,
    flapBits: r.flap_bits,
  };
}

// ---- events ---------------------------------------------------------------------------

/** An `events` row; `details` is JSON text (SQLite) or an object (PostgreSQL JSONB). */
export interface EventRow {
  id: number;
  type: string;
  host_id: string;
  at: number;
  details: unknown;
  transition_key?: string | null;
}

/** The columns an event listing reads. */
export const EVENT_LIST_COLUMNS = 'id, type, host_id, at, details';

/** A row as a logged event (bad details read as `{}`). */
export function eventFromRow(r: EventRow): HostEvent {
  return {
    id: r.id,
    type: r.type as EventType,
    hostId: r.host_id,
    at: r.at,
    details: parseJson<Record<string, unknown>>(r.details, {}),
  };
}

/** A row as a copy record (with its transition key). */
export function eventRecordFromRow(r: EventRow): EventRecord {
  return { ...eventFromRow(r), transitionKey: r.transition_key ?? null };
}

/** A copy record as a row; `details` as an object (SQLite stringifies it). */
export function eventRecordToRow(e: EventRecord) {
  return {
    id: e.id,
    type: e.type,
    host_id: e.hostId,
    at: Math.round(e.at),
    details: e.details ?? {},
    transition_key: e.transitionKey,
  };
}

/** Bounds an event listing's `limit` (default 100, at most 10,000), as both backends do. */
export function eventLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(10_000, Math.floor(limit ?? 100)));
}

// ---- silences -------------------------------------------------------------------------

export interface SilenceRow {
  id: number;
  host_glob: string;
  starts_at: number;
  ends_at: number | null;
  cron: string | null;
  duration_ms: number | null;
  comment: string;
  created_by: string;
  created_at: number;
  origin: 'config' | 'api';
}

/** A `silences` row as a silence. */
export function silenceFromRow(r: SilenceRow): Silence {
  const s: Silence = {
    id: r.id,
    hostGlob: r.host_glob,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
    origin: r.origin,
  };
  if (r.cron !== null) s.cron = r.cron;
  if (r.duration_ms !== null) s.durationMs = r.duration_ms;
  return s;
}

/** A silence as a row without its id (a new one; a copy adds the id). */
export function silenceToRow(s: Omit<Silence, 'id'>): Omit<SilenceRow, 'id'> {
  return {
    host_glob: s.hostGlob,
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    cron: s.cron ?? null,
    duration_ms: s.durationMs ?? null,
    comment: s.comment,
    created_by: s.createdBy,
    created_at: s.createdAt,
    origin: s.origin,
  };
}

/** The columns of a new silence, in {@link silenceToRow}'s key order. */
export const SILENCE_INSERT_COLUMNS =
  'host_glob, starts_at, ends_at, cron, duration_ms, comment, created_by, created_at, origin';

// ---- sweeps ---------------------------------------------------------------------------

/** A sweep result as stored: ok fields or error fields, the others null. */
export interface ResultRow {
  target: string;
  host: string;
  status: string;
  at: number;
  duration_ms: number;
  uptime_seconds: number | null;
  booted_at: string | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  users: number | null;
  error_class: string | null;
  message: string | null;
}

/** The result columns of `sweep_results` and `sweep_hosts`, in {@link resultToRow}'s key order. */
export const RESULT_COLUMNS =
  'target, host, status, at, duration_ms, uptime_seconds, booted_at, load1, load5, load15, users, error_class, message';

/** The update half of both backends' result upserts (`col = <excluded>.col`, all but the key). */
export function resultUpdateSet(excluded: string): string {
  return RESULT_COLUMNS.split(', ')
    .filter((c) => c !== 'target')
    .map((c) => `${c} = ${excluded}.${c}`)
    .join(', ');
}

/** A result as a row. */
export function resultToRow(r: SweepResult): ResultRow {
  const ok = r.status === 'ok';
  return {
    target: r.target,
    host: r.host,
    status: r.status,
    at: r.at,
    duration_ms: r.durationMs,
    uptime_seconds: ok ? r.uptimeSeconds : null,
    booted_at: ok ? r.bootedAt : null,
    load1: ok ? r.load1 : null,
    load5: ok ? r.load5 : null,
    load15: ok ? r.load15 : null,
    users: ok ? (r.users ?? null) : null,
    error_class: ok ? null : r.errorClass,
    message: ok ? null : r.message,
  };
}

/** A row as a result. */
export function resultFromRow(row: ResultRow): SweepResult {
  if (row.status === 'ok') {
    const r: SweepResult = {
      status: 'ok',
      target: row.target,
      host: row.host,
      at: row.at,
      durationMs: row.duration_ms,
      uptimeSeconds: row.uptime_seconds ?? 0,
      bootedAt: row.booted_at ?? '',
      load1: row.load1 ?? 0,
      load5: row.load5 ?? 0,
      load15: row.load15 ?? 0,
    };
    if (row.users !== null) r.users = row.users;
    return r;
  }
  return {
    status: 'error',
    target: row.target,
    host: row.host,
    at: row.at,
    durationMs: row.duration_ms,
    errorClass: (row.error_class ?? 'protocol') as SweepErrorClass,
    message: row.message ?? '',
  };
}

export interface RunRow {
  id: string;
  started_at: number;
  finished_at: number | null;
  total: number;
  ok: number;
  failed: number;
  mode: string;
  every_ms: number | null;
}

/** A `sweep_runs` row as a run. */
export function runFromRow(r: RunRow): SweepRun {
  const run: SweepRun = {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    total: r.total,
    ok: r.ok,
    failed: r.failed,
    mode: r.mode === 'redis' ? 'redis' : 'local',
  };
  if (r.every_ms !== null) run.everyMs = r.every_ms;
  return run;
}

/** A run as a row. */
function runToRow(run: SweepRun): RunRow {
  return {
    id: run.id,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    total: run.total,
    ok: run.ok,
    failed: run.failed,
    mode: run.mode,
    every_ms: run.everyMs ?? null,
  };
}

/** A `sweep_hosts` row. */
type SweepHostRow = ResultRow & { state: string; state_since: number; run_id: string };

/** The query of `SweepStore.latest()` returns this: a host row and its run's interval. */
export type LatestSweepRow = SweepHostRow & { every_ms: number | null };

/** A `sweep_hosts` row (with its run's `every_ms`) as the dashboard's agentless host. */
export function sweepHostStateFromRow(row: LatestSweepRow): SweepHostState {
  return {
    target: row.target,
    host: row.host,
    state: row.state === 'up' ? 'up' : 'down',
    stateSince: row.state_since,
    runId: row.run_id,
    everyMs: row.every_ms,
    result: resultFromRow(row),
  };
}

/** A `sweep_hosts` row as a copy record and back. */
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
function sweepHostRow(r: Extract<SweepRecord, { table: 'host' }>): SweepHostRow {
  return {
    ...resultToRow(r.result),
    host: r.host,
    target: r.target,
    state: r.state,
    state_since: r.stateSince,
    run_id: r.runId,
  };
}

/** Sweep copy records split into each table's rows, parents first (runs before their results). */
export function sweepImportRows(records: readonly SweepRecord[]) {
  const runs: RunRow[] = [];
  const results: Array<ResultRow & { run_id: string }> = [];
  const hosts: SweepHostRow[] = [];
  for (const r of records) {
    if (r.table === 'run') runs.push(runToRow(r.run));
    else if (r.table === 'result') results.push({ run_id: r.runId, ...resultToRow(r.result) });
    else hosts.push(sweepHostRow(r));
  }
  return { sweep_runs: runs, sweep_results: results, sweep_hosts: hosts };
}

// ---- outbox ---------------------------------------------------------------------------

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
