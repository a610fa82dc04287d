import type { Statement } from 'better-sqlite3';
import type { HostSource, HostState, HostView } from '../monitor/types.js';
import type { CheckResult } from '../protocol/types.js';
import type { Db } from './db.js';

/**
 * A host as persisted: what the API shows plus the bits the monitor needs to resume
 * exactly where it stopped (the last beat's send time for the replay check and the
 * flapping sample window). Tables live in `coreMigrations` (src/store/events.ts).
 */
export interface StoredHost extends HostView {
  /** Agent clock of the last accepted beat (a replay of an older boot is older than this). */
  sentAt: number;
  /** Flapping window: bit i set = the i-th most recent state sample was a change. */
  flapBits: number;
}

/** A `hosts` row as SQLite stores it (PostgreSQL casts its JSON and boolean columns to match). */
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

const UPSERT = `INSERT INTO hosts (id, state, source, address, first_seen_at, last_beat_at, state_since,
  boot_id, seq, sent_at, interval_ms, timeout_ms, uptime_seconds, load1, load5, load15, mem_total,
  mem_available, disk_total, disk_used, checks, labels, flapping, flap_bits)
  VALUES (@id, @state, @source, @address, @first_seen_at, @last_beat_at, @state_since, @boot_id, @seq,
  @sent_at, @interval_ms, @timeout_ms, @uptime_seconds, @load1, @load5, @load15, @mem_total,
  @mem_available, @disk_total, @disk_used, @checks, @labels, @flapping, @flap_bits)
  ON CONFLICT(id) DO UPDATE SET state = excluded.state, source = excluded.source,
  address = excluded.address, last_beat_at = excluded.last_beat_at, state_since = excluded.state_since,
  boot_id = excluded.boot_id, seq = excluded.seq, sent_at = excluded.sent_at,
  interval_ms = excluded.interval_ms, timeout_ms = excluded.timeout_ms,
  uptime_seconds = excluded.uptime_seconds, load1 = excluded.load1, load5 = excluded.load5,
  load15 = excluded.load15, mem_total = excluded.mem_total, mem_available = excluded.mem_available,
  disk_total = excluded.disk_total, disk_used = excluded.disk_used, checks = excluded.checks,
  labels = excluded.labels, flapping = excluded.flapping, flap_bits = excluded.flap_bits`;

const upserts = new WeakMap<Db, Statement<[HostRow]>>();

/** A host as a row; shared by both backends so the column mapping lives once. */
export function toRow(h: StoredHost): HostRow {
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

/**
 * Writes (inserts or updates) hosts. Call inside a transaction for batches; the monitor
 * flushes changed hosts about once a second, never once per beat.
 */
export function upsertHosts(db: Db, hosts: Iterable<StoredHost>): number {
  let stmt = upserts.get(db);
  if (!stmt) {
    stmt = db.prepare<[HostRow]>(UPSERT);
    upserts.set(db, stmt);
  }
  let n = 0;
  for (const h of hosts) {
    stmt.run(toRow(h));
    n++;
  }
  return n;
}

/** {@link upsertHosts} in its own transaction. */
export function saveHosts(db: Db, hosts: Iterable<StoredHost>): number {
  return db.transaction(() => upsertHosts(db, hosts))();
}

/** Every known host, for restoring the registry on start. */
export function loadHosts(db: Db): StoredHost[] {
  return (db.prepare('SELECT * FROM hosts ORDER BY id').all() as HostRow[]).map(fromRow);
}

/** Forgets a host (e.g. decommissioned); its events stay in the log. */
export function deleteHost(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** A row as a host (bad JSON columns read as empty). */
export function fromRow(r: HostRow): StoredHost {
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
