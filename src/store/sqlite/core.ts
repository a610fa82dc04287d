/**
 * Hosts and the event log on SQLite. Host rows are upserted with one prepared statement per
 * row inside the caller's transaction; events are idempotent per transition key
 * (`ON CONFLICT DO NOTHING`), and the event hooks' outbox rows, the affected hosts' rows
 * and the outbox cursor are written in the events' own transaction.
 */
import type { Statement } from 'better-sqlite3';
import type { HostEvent } from '../../monitor/types.js';
import type { WithoutCopy } from '../records.js';
import {
  EVENT_LIST_COLUMNS,
  type EventRow,
  eventFromRow,
  eventLimit,
  HOST_COLUMNS,
  type HostRow,
  hostFromRow,
  hostToRow,
  hostUpdateSet,
} from '../rows.js';
import type {
  EventStore,
  EventsRecordedHook,
  HostStore,
  ListEventsQuery,
  NewStoreEvent,
  StoredHost,
} from '../types.js';
import type { Db } from './db.js';
import type { SqliteTx } from './fence.js';
import type { OutboxStatements } from './outbox.js';

const UPSERT_HOSTS = `INSERT INTO hosts (${HOST_COLUMNS.join(', ')})
  VALUES (${HOST_COLUMNS.map((c) => `@${c}`).join(', ')})
  ON CONFLICT(id) DO UPDATE SET ${hostUpdateSet('excluded')}`;

const upserts = new WeakMap<Db, Statement<[HostRow]>>();

/** Upserts hosts on `db`, inside the caller's transaction. */
export function upsertHosts(db: Db, hosts: Iterable<StoredHost>): number {
  let stmt = upserts.get(db);
  if (!stmt) {
    stmt = db.prepare<[HostRow]>(UPSERT_HOSTS);
    upserts.set(db, stmt);
  }
  let n = 0;
  for (const h of hosts) {
    stmt.run(hostToRow(h));
    n++;
  }
  return n;
}

export function sqliteHostStore(db: Db, tx: SqliteTx): WithoutCopy<HostStore> {
  return {
    save: (hosts, fence) => tx(fence, () => upsertHosts(db, hosts)),
    load: async () => (db.prepare('SELECT * FROM hosts ORDER BY id').all() as HostRow[]).map(hostFromRow),
    remove: (id, fence) => tx(fence, () => db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0),
  };
}

/** Inserts events in input order, inside the caller's transaction; returns those inserted. */
function insertEvents(insert: Statement<unknown[]>, events: readonly NewStoreEvent[]): HostEvent[] {
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
  return out;
}

/** The WHERE clause and parameters of an event listing. */
function eventWhere(q: ListEventsQuery): { where: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, ...v: (string | number)[]) => {
    where.push(sql);
    args.push(...v);
  };
  if (q.beforeId !== undefined) add('id < ?', q.beforeId);
  if (q.afterId !== undefined) add('id > ?', q.afterId);
  if (q.hostId !== undefined) add('host_id = ?', q.hostId);
  if (q.types && q.types.length > 0) add(`type IN (${q.types.map(() => '?').join(', ')})`, ...q.types);
  if (q.since !== undefined) add('at >= ?', Math.round(q.since));
  if (q.until !== undefined) add('at < ?', Math.round(q.until));
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', args };
}

/** Event watchers per resolved SQLite file, in this process (one monitor owns a file). */
const watchers = new Map<string, Set<(lastId: number) => void>>();

/** Tells `file`'s watchers the newest id (after a commit). */
function notifyWatchers(file: string, recorded: readonly HostEvent[]): void {
  const last = recorded[recorded.length - 1]?.id;
  if (last === undefined) return;
  for (const w of watchers.get(file) ?? []) {
    try {
      w(last);
    } catch {
      // a watcher's own failure is its business; the write is committed
    }
  }
}

/**
 * The event log of `db`; `file` keys this process's watchers of the file, `outbox` gives
 * the statements the hooks' rows and the cursor are written with.
 */
export function sqliteEventStore(
  db: Db,
  tx: SqliteTx,
  file: string,
  outbox: OutboxStatements,
): WithoutCopy<EventStore> {
  const hooks = new Set<EventsRecordedHook>();
  const insert = db.prepare(
    `INSERT INTO events (type, host_id, at, details, transition_key) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (transition_key) DO NOTHING`,
  );
  return {
    record: async (events, opts = {}) => {
      if (events.length === 0) return [];
      const recorded = await tx(opts.fence, () => {
        const out = insertEvents(insert, events);
        if (opts.hosts !== undefined && opts.hosts.length > 0) upsertHosts(db, opts.hosts);
        if (hooks.size > 0 && out.length > 0) {
          for (const h of hooks) outbox.enqueueRows(h(out));
          outbox.setCursor(out[out.length - 1]?.id ?? 0);
        }
        return out;
      });
      notifyWatchers(file, recorded);
      return recorded;
    },
    watch: async (listener) => {
      let set = watchers.get(file);
      if (!set) {
        set = new Set();
        watchers.set(file, set);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
      };
    },
    onRecorded: (hook) => {
      hooks.add(hook);
      return () => {
        hooks.delete(hook);
      };
    },
    list: async (q = {}) => {
      const { where, args } = eventWhere(q);
      const sql = `SELECT ${EVENT_LIST_COLUMNS} FROM events${where} ORDER BY id DESC LIMIT ${eventLimit(q.limit)}`;
      return (db.prepare(sql).all(...args) as EventRow[]).map(eventFromRow);
    },
    lastId: async () =>
      (db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0,
  };
}
