import type { Statement } from 'better-sqlite3';
import type { EventType, HostEvent, NewEvent } from '../monitor/types.js';
import type { Db, Migrations } from './db.js';

/**
 * Schema of the monitor's own tables (domain `core`): the event log and the known hosts.
 * The event log is the truth the dashboard, notifications and restarts read; the hosts
 * table is a snapshot of the registry, flushed in batches and rewritten for every host an
 * event is about in the event's own transaction (so a restart never re-announces it).
 */
export const coreMigrations: Migrations = {
  domain: 'core',
  steps: [
    (db) => {
      db.exec(`
        CREATE TABLE events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          type TEXT NOT NULL,
          host_id TEXT NOT NULL,
          at INTEGER NOT NULL,
          details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_host ON events (host_id, id);
        CREATE INDEX events_at ON events (at);
        CREATE TABLE hosts (
          id TEXT PRIMARY KEY,
          state TEXT NOT NULL,
          source TEXT NOT NULL,
          address TEXT NOT NULL,
          first_seen_at INTEGER NOT NULL,
          last_beat_at INTEGER NOT NULL,
          state_since INTEGER NOT NULL,
          boot_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          sent_at INTEGER NOT NULL,
          interval_ms INTEGER NOT NULL,
          timeout_ms INTEGER NOT NULL,
          uptime_seconds REAL NOT NULL,
          load1 REAL NOT NULL,
          load5 REAL NOT NULL,
          load15 REAL NOT NULL,
          mem_total INTEGER NOT NULL,
          mem_available INTEGER NOT NULL,
          disk_total INTEGER NOT NULL,
          disk_used INTEGER NOT NULL,
          checks TEXT NOT NULL DEFAULT '[]',
          labels TEXT NOT NULL DEFAULT '{}',
          flapping INTEGER NOT NULL DEFAULT 0,
          flap_bits INTEGER NOT NULL DEFAULT 0
        );
      `);
    },
    // Idempotent transitions: a monitor taking over never records an event twice
    // (NULL keys are distinct, so events without one are never deduplicated).
    (db) => {
      db.exec(`
        ALTER TABLE events ADD COLUMN transition_key TEXT;
        CREATE UNIQUE INDEX events_transition ON events (transition_key);
      `);
    },
  ],
};

/**
 * Runs inside the transaction that records `events`, after they have their ids. Throwing
 * rolls the whole transaction back (the events are then not recorded either): this is how
 * the notify pipeline inserts outbox rows atomically with the events they notify about.
 */
export type EventsTxHook = (db: Db, events: HostEvent[]) => void;

const hooksByDb = new WeakMap<Db, Set<EventsTxHook>>();

/**
 * Registers a hook run inside every later {@link recordEvents} transaction on `db`.
 * Returns a function that removes it.
 */
export function onEventsRecorded(db: Db, hook: EventsTxHook): () => void {
  let set = hooksByDb.get(db);
  if (!set) {
    set = new Set();
    hooksByDb.set(db, set);
  }
  set.add(hook);
  return () => {
    set.delete(hook);
  };
}

interface Statements {
  insert: Statement<unknown[]>;
}
const statements = new WeakMap<Db, Statements>();

function stmts(db: Db): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      insert: db.prepare(
        `INSERT INTO events (type, host_id, at, details, transition_key) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (transition_key) DO NOTHING`,
      ),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * Appends events to the log in one transaction and returns them with their ids. The
 * registered {@link onEventsRecorded} hooks and `inTx` (e.g. the monitor writing the
 * affected hosts' rows) run in the same transaction, so either all of it is durable or
 * none of it is. An event whose `transitionKey` was recorded before is left out.
 */
export function recordEvents(
  db: Db,
  events: readonly (NewEvent & { transitionKey?: string })[],
  inTx?: (db: Db, recorded: HostEvent[]) => void,
): HostEvent[] {
  if (events.length === 0) return [];
  const { insert } = stmts(db);
  const hooks = hooksByDb.get(db);
  return db.transaction(() => {
    const out: HostEvent[] = [];
    for (const e of events) {
      const r = insert.run(
        e.type,
        e.hostId,
        Math.round(e.at),
        JSON.stringify(e.details ?? {}),
        e.transitionKey ?? null,
      );
      if (r.changes === 0) continue; // same transition key: recorded before
      out.push({
        id: Number(r.lastInsertRowid),
        type: e.type,
        hostId: e.hostId,
        at: e.at,
        details: e.details ?? {},
      });
    }
    inTx?.(db, out);
    if (hooks) for (const h of hooks) h(db, out);
    return out;
  })();
}

/** Filters for {@link listEvents}; every one optional. */
export interface ListEventsOptions {
  /** Most rows to return (default 100, capped at 10,000). */
  limit?: number;
  /** Only events with a smaller id (paging backwards, newest first). */
  beforeId?: number;
  /** Only events with a larger id (catching up, e.g. SSE `Last-Event-ID`). */
  afterId?: number;
  hostId?: string;
  types?: readonly EventType[];
  /** Only events at or after this time (ms since epoch). */
  since?: number;
  /** Only events before this time (ms since epoch). */
  until?: number;
}

interface EventRow {
  id: number;
  type: string;
  host_id: string;
  at: number;
  details: string;
}

/** Reads the event log newest first (highest id first), filtered. */
export function listEvents(db: Db, opts: ListEventsOptions = {}): HostEvent[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (opts.beforeId !== undefined) {
    where.push('id < ?');
    args.push(opts.beforeId);
  }
  if (opts.afterId !== undefined) {
    where.push('id > ?');
    args.push(opts.afterId);
  }
  if (opts.hostId !== undefined) {
    where.push('host_id = ?');
    args.push(opts.hostId);
  }
  if (opts.types && opts.types.length > 0) {
    where.push(`type IN (${opts.types.map(() => '?').join(', ')})`);
    args.push(...opts.types);
  }
  if (opts.since !== undefined) {
    where.push('at >= ?');
    args.push(opts.since);
  }
  if (opts.until !== undefined) {
    where.push('at < ?');
    args.push(opts.until);
  }
  const limit = Math.max(1, Math.min(10_000, Math.floor(opts.limit ?? 100)));
  const sql = `SELECT id, type, host_id, at, details FROM events${
    where.length ? ` WHERE ${where.join(' AND ')}` : ''
  } ORDER BY id DESC LIMIT ${limit}`;
  return (db.prepare(sql).all(...args) as EventRow[]).map(rowToEvent);
}

/** The id of the newest event, 0 when the log is empty (SSE start cursor). */
export function lastEventId(db: Db): number {
  const row = db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
  return row.id ?? 0;
}

function rowToEvent(r: EventRow): HostEvent {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    details = {};
  }
  return { id: r.id, type: r.type as EventType, hostId: r.host_id, at: r.at, details };
}
