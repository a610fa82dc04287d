/**
 * Rows and their mappings, shared by both backends: the columns of every table are the same
 * on SQLite and PostgreSQL (PostgreSQL casts its JSON and boolean columns to match where a
 * query needs the SQLite form), so the column names and the row <-> value mappings live
 * here once: hosts, events and silences here, sweeps in sweep-rows.ts, the outbox in
 * outbox-rows.ts. Pure: no SQL dialect, no I/O; placeholders, upserts and JSON types stay in
 * each backend (src/store/sqlite/, src/store/postgres/).
 */
import type { EventType, HostEvent, HostSource, HostState } from '../monitor/types.js';
import type { Silence } from '../notify/types.js';
import type { CheckResult } from '../protocol/types.js';
import type { EventRecord } from './records.js';
import type { StoredHost } from './values.js';

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
