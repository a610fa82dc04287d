/**
 * Hosts and the event log on PostgreSQL. Batches are one statement each: rows travel as
 * one JSON array expanded by `jsonb_to_recordset`, so a 1,000-host flush is one round trip.
 * Events are idempotent per transition key (`ON CONFLICT DO NOTHING`).
 */
import type pg from 'pg';
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
  Fence,
  HostStore,
  ListEventsQuery,
  NewStoreEvent,
  StoredHost,
} from '../types.js';
import type { PgDb, Queryable } from './client.js';
import { enqueueRows, setCursor } from './outbox.js';
import { notifyEvents, watchEvents } from './watch.js';

/** Rows per upsert statement (one JSON parameter of a few hundred KB). */
const HOST_CHUNK = 1000;

/** `jsonb_to_recordset`'s column list of a host row (also the copy's). */
export const HOST_RECORD = `id text, state text, source text, address text, first_seen_at bigint, last_beat_at bigint,
  state_since bigint, boot_id text, seq bigint, sent_at bigint, interval_ms bigint, timeout_ms bigint,
  uptime_seconds float8, load1 float8, load5 float8, load15 float8, mem_total bigint, mem_available bigint,
  disk_total bigint, disk_used bigint, checks text, labels text, flapping int, flap_bits bigint`;

/** The columns as the upsert selects them: JSON text cast to JSONB, 0/1 to a boolean. */
const HOST_SELECT = HOST_COLUMNS.map((c) =>
  c === 'checks' || c === 'labels' ? `${c}::jsonb` : c === 'flapping' ? 'flapping <> 0' : c,
).join(', ');

const UPSERT_HOSTS = `INSERT INTO hosts (${HOST_COLUMNS.join(', ')})
  SELECT ${HOST_SELECT} FROM jsonb_to_recordset($1::jsonb) AS r(${HOST_RECORD})
  ON CONFLICT (id) DO UPDATE SET ${hostUpdateSet('EXCLUDED')}`;

/** Upserts hosts on `c` (inside the caller's transaction). */
export async function upsertHosts(c: Queryable, hosts: readonly StoredHost[]): Promise<number> {
  // The last row of one id wins, as sequential upserts would (one statement may not touch a row twice).
  const byId = new Map<string, StoredHost>();
  for (const h of hosts) byId.set(h.id, h);
  const rows = [...byId.values()].map(hostToRow);
  for (let i = 0; i < rows.length; i += HOST_CHUNK) {
    await c.query(UPSERT_HOSTS, [JSON.stringify(rows.slice(i, i + HOST_CHUNK))]);
  }
  return hosts.length;
}

export function pgHostStore(db: PgDb): WithoutCopy<HostStore> {
  return {
    save: (hosts, fence) =>
      hosts.length === 0 && fence === undefined
        ? Promise.resolve(0)
        : db.tx(fence, (c) => upsertHosts(c, hosts)),
    load: async () =>
      (
        await db.query<HostRow>(
          'SELECT *, checks::text AS checks, labels::text AS labels, flapping::int AS flapping FROM hosts ORDER BY id',
        )
      ).map(hostFromRow),
    remove: (id, fence) =>
      db.tx(fence, async (c) => ((await c.query('DELETE FROM hosts WHERE id = $1', [id])).rowCount ?? 0) > 0),
  };
}

const INSERT_EVENTS = `INSERT INTO events (type, host_id, at, details, transition_key)
  SELECT type, host_id, at, details, transition_key
  FROM jsonb_to_recordset($1::jsonb) AS r(ord int, type text, host_id text, at bigint, details jsonb, transition_key text)
  ORDER BY ord
  ON CONFLICT (transition_key) DO NOTHING
  RETURNING id, transition_key`;

/**
 * Inserts events in input order (ids follow it: the SELECT is ordered) and returns those
 * inserted, matched back to their input. Only keyed events can be skipped, so walking the
 * input against the inserted rows in id order pairs them exactly.
 */
async function insertEvents(c: pg.PoolClient, events: readonly NewStoreEvent[]): Promise<HostEvent[]> {
  const payload = events.map((e, ord) => ({
    ord,
    type: e.type,
    host_id: e.hostId,
    at: Math.round(e.at),
    details: e.details ?? {},
    transition_key: e.transitionKey ?? null,
  }));
  const rows = (
    await c.query<{ id: number; transition_key: string | null }>(INSERT_EVENTS, [JSON.stringify(payload)])
  ).rows;
  rows.sort((a, b) => a.id - b.id);
  const out: HostEvent[] = [];
  let p = 0;
  for (const e of events) {
    const r = rows[p];
    if (r === undefined) break;
    if (e.transitionKey !== undefined && r.transition_key !== e.transitionKey) continue;
    p++;
    out.push({ id: r.id, type: e.type, hostId: e.hostId, at: e.at, details: e.details ?? {} });
  }
  return out;
}

export function pgEventStore(db: PgDb): WithoutCopy<EventStore> {
  const hooks = new Set<EventsRecordedHook>();
  return {
    record: (events, opts: { hosts?: readonly StoredHost[]; fence?: Fence } = {}) => {
      if (events.length === 0) return Promise.resolve([]);
      return db.tx(opts.fence, async (c) => {
        const recorded = await insertEvents(c, events);
        if (opts.hosts !== undefined && opts.hosts.length > 0) await upsertHosts(c, opts.hosts);
        const last = recorded[recorded.length - 1]?.id;
        if (last === undefined) return recorded;
        if (hooks.size > 0) {
          for (const h of hooks) await enqueueRows(c, h(recorded));
          await setCursor(c, last);
        }
        await notifyEvents(c, last);
        return recorded;
      });
    },
    onRecorded: (hook) => {
      hooks.add(hook);
      return () => {
        hooks.delete(hook);
      };
    },
    list: async (q: ListEventsQuery = {}) => {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        args.push(v);
        where.push(sql.replace('?', `$${args.length}`));
      };
      if (q.beforeId !== undefined) add('id < ?', q.beforeId);
      if (q.afterId !== undefined) add('id > ?', q.afterId);
      if (q.hostId !== undefined) add('host_id = ?', q.hostId);
      if (q.types && q.types.length > 0) add('type = ANY(?::text[])', [...q.types]);
      if (q.since !== undefined) add('at >= ?', Math.round(q.since));
      if (q.until !== undefined) add('at < ?', Math.round(q.until));
      const sql = `SELECT ${EVENT_LIST_COLUMNS} FROM events${
        where.length ? ` WHERE ${where.join(' AND ')}` : ''
      } ORDER BY id DESC LIMIT ${eventLimit(q.limit)}`;
      return (await db.query<EventRow>(sql, args)).map(eventFromRow);
    },
    watch: (listener) => watchEvents(db, listener),
    lastId: async () =>
      (await db.query<{ id: number | null }>('SELECT MAX(id) AS id FROM events'))[0]?.id ?? 0,
  };
}
