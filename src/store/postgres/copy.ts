/**
 * Exact export and import of every copied domain on PostgreSQL (`thump db migrate`).
 * Export: keyset pages in primary-key order (`WHERE (key) > ($1…) ORDER BY key LIMIT n`, on
 * the `COLLATE "C"` keys). Import: one statement per table per page, the rows travelling as
 * one JSON array through `jsonb_to_recordset`, ids kept (`OVERRIDING SYSTEM VALUE`),
 * `ON CONFLICT DO NOTHING`, all in one transaction; then each identity sequence (and
 * `notify_batch_seq`) is moved past the largest id, never back.
 */
import type pg from 'pg';
import {
  COPY_PAGE_SIZE,
  type EventRecord,
  type HostRecord,
  keysetPages,
  type OutboxRecord,
  type RowCopy,
  type SilenceRecord,
  type SweepRecord,
} from '../records.js';
import {
  type AlertRow,
  alertRowToRecord,
  type BatchRow,
  batchRowToRecord,
  type EventRow,
  eventRecordFromRow,
  eventRecordToRow,
  type HostRow,
  hostFromRow,
  hostToRow,
  type OutboxRow,
  outboxImportRows,
  outboxRowToRecord,
  type ResultRow,
  type RunRow,
  resultFromRow,
  runFromRow,
  type SilenceRow,
  type SweepHostRow,
  silenceFromRow,
  silenceToRow,
  sweepHostRecord,
  sweepImportRows,
} from '../rows.js';
import type { PgDb } from './client.js';
import { HOST_RECORD } from './core.js';

type Key = readonly (string | number)[];

/** One page of `table` after `after` on the key columns `keys`, in key order. */
function page<R extends pg.QueryResultRow>(db: PgDb, table: string, keys: readonly string[], cols = '*') {
  const order = keys.join(', ');
  return (after: Key | undefined, limit: number): Promise<R[]> =>
    after === undefined
      ? db.query<R>(`SELECT ${cols} FROM ${table} ORDER BY ${order} LIMIT $1`, [limit])
      : db.query<R>(
          `SELECT ${cols} FROM ${table} WHERE (${order}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})
           ORDER BY ${order} LIMIT $${keys.length + 1}`,
          [...after, limit],
        );
}

function counter(db: PgDb, tables: readonly string[]) {
  return async (): Promise<Record<string, number>> => {
    const row = (
      await db.query<Record<string, number>>(
        `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`,
      )
    )[0];
    return Object.fromEntries(tables.map((t) => [t, row?.[t] ?? 0]));
  };
}

/**
 * Inserts `rows` into `table` in one statement; `def` is the `jsonb_to_recordset` column
 * list (`name type, …`, the table's columns), `select` overrides a column's expression.
 */
async function insertRecordset(
  c: pg.PoolClient,
  table: string,
  def: string,
  rows: readonly object[],
  opts: { identity?: boolean; select?: Record<string, string> } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = def.split(',').map((x) => x.trim().split(/\s+/)[0] as string);
  const sel = cols.map((col) => opts.select?.[col] ?? col).join(', ');
  const r = await c.query(
    `INSERT INTO ${table} (${cols.join(', ')}) ${opts.identity ? 'OVERRIDING SYSTEM VALUE ' : ''}
     SELECT ${sel} FROM jsonb_to_recordset($1::jsonb) AS r(${def}) ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return r.rowCount ?? 0;
}

/** Moves `seq` past the largest `col` of `table` (never back: other rows may have used it). */
async function bumpSequence(c: pg.PoolClient, seq: string, table: string, col: string): Promise<void> {
  await c.query(
    `SELECT setval(s, GREATEST(m, COALESCE(pg_sequence_last_value(s), 0)))
     FROM (SELECT ${seq}::regclass AS s, (SELECT MAX(${col}) FROM ${table}) AS m) x WHERE m IS NOT NULL`,
  );
}
const identitySeq = (table: string) => `pg_get_serial_sequence('${table}', 'id')`;

const EVENT_DEF = 'id bigint, type text, host_id text, at bigint, details jsonb, transition_key text';
const OUTBOX_DEF = `id bigint, event_id bigint, notifier text, reminder int, event_json text, created_at bigint,
  ready_at bigint, state text, reason text, batch_id text`;
const BATCH_DEF = `id text, seq bigint, notifier text, kind text, title text, text text, created_at bigint,
  deadline_at bigint, attempts int, next_attempt_at bigint, state text, last_error text, sent_at bigint`;
const ALERT_DEF = `notifier text, host_id text, key text, event_id bigint, opened_at bigint,
  last_notified_at bigint, reminders int`;
const SILENCE_DEF = `id bigint, host_glob text, starts_at bigint, ends_at bigint, cron text, duration_ms bigint,
  comment text, created_by text, created_at bigint, origin text`;
const RESULT_COLS = `target text, host text, status text, at bigint, duration_ms bigint, uptime_seconds float8,
  booted_at text, load1 float8, load5 float8, load15 float8, users int, error_class text, message text`;
const RUN_DEF =
  'id text, started_at bigint, finished_at bigint, total int, ok int, failed int, mode text, every_ms bigint';
const SWEEP_HOST_DEF = `state text, state_since bigint, run_id text, ${RESULT_COLS}`;

export function pgHostCopy(db: PgDb): RowCopy<HostRecord> {
  const p = page<HostRow>(
    db,
    'hosts',
    ['id'],
    '*, checks::text AS checks, labels::text AS labels, flapping::int AS flapping',
  );
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(hostFromRow);
      })(),
    importRows: (rows) =>
      db.tx(undefined, (c) =>
        insertRecordset(c, 'hosts', HOST_RECORD, rows.map(hostToRow), {
          select: { checks: 'checks::jsonb', labels: 'labels::jsonb', flapping: 'flapping <> 0' },
        }),
      ),
    countRows: counter(db, ['hosts']),
  };
}

export function pgEventCopy(db: PgDb): RowCopy<EventRecord> {
  const p = page<EventRow>(db, 'events', ['id'], 'id, type, host_id, at, details, transition_key');
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(eventRecordFromRow);
      })(),
    importRows: (rows) =>
      db.tx(undefined, async (c) => {
        const n = await insertRecordset(c, 'events', EVENT_DEF, rows.map(eventRecordToRow), {
          identity: true,
        });
        if (rows.length > 0) await bumpSequence(c, identitySeq('events'), 'events', 'id');
        return n;
      }),
    countRows: counter(db, ['events']),
  };
}

export function pgOutboxCopy(db: PgDb): RowCopy<OutboxRecord> {
  const rows = page<OutboxRow>(
    db,
    'notify_outbox',
    ['id'],
    'id, event_id, notifier, reminder, event_json::text AS event_json, created_at, ready_at, state, reason, batch_id',
  );
  const batches = page<BatchRow>(db, 'notify_batches', ['id']);
  const alerts = page<AlertRow>(db, 'notify_alerts', ['notifier', 'host_id', 'key']);
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* (): AsyncGenerator<OutboxRecord[]> {
        for await (const p of keysetPages(rows, (r) => [r.id], size)) yield p.map(outboxRowToRecord);
        for await (const p of keysetPages(batches, (r) => [r.id], size)) yield p.map(batchRowToRecord);
        for await (const p of keysetPages(alerts, (r) => [r.notifier, r.host_id, r.key], size))
          yield p.map(alertRowToRecord);
        const cursor = (
          await db.query<{ event_id: number }>('SELECT event_id FROM notify_cursor WHERE id = 1')
        )[0];
        if (cursor) yield [{ table: 'cursor', eventId: cursor.event_id }];
      })(),
    importRows: (records) =>
      db.tx(undefined, async (c) => {
        const t = outboxImportRows(records);
        let n = await insertRecordset(c, 'notify_outbox', OUTBOX_DEF, t.notify_outbox, {
          identity: true,
          select: { event_json: 'event_json::json' },
        });
        n += await insertRecordset(c, 'notify_batches', BATCH_DEF, t.notify_batches);
        n += await insertRecordset(c, 'notify_alerts', ALERT_DEF, t.notify_alerts);
        const cursor = t.notify_cursor[0];
        if (cursor) {
          const r = await c.query(
            'INSERT INTO notify_cursor (id, event_id) VALUES (1, $1) ON CONFLICT DO NOTHING',
            [cursor.event_id],
          );
          n += r.rowCount ?? 0;
        }
        if (t.notify_outbox.length > 0)
          await bumpSequence(c, identitySeq('notify_outbox'), 'notify_outbox', 'id');
        // Batch ids are `<notifier>-<seq>`: the next batch must not reuse a copied one's id.
        if (t.notify_batches.length > 0) await bumpSequence(c, `'notify_batch_seq'`, 'notify_batches', 'seq');
        return n;
      }),
    countRows: counter(db, ['notify_outbox', 'notify_batches', 'notify_alerts', 'notify_cursor']),
  };
}

export function pgSilenceCopy(db: PgDb): RowCopy<SilenceRecord> {
  const p = page<SilenceRow>(db, 'silences', ['id']);
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(silenceFromRow);
      })(),
    importRows: (rows) =>
      db.tx(undefined, async (c) => {
        const n = await insertRecordset(
          c,
          'silences',
          SILENCE_DEF,
          rows.map((s) => ({ id: s.id, ...silenceToRow(s) })),
          { identity: true },
        );
        if (rows.length > 0) await bumpSequence(c, identitySeq('silences'), 'silences', 'id');
        return n;
      }),
    countRows: counter(db, ['silences']),
  };
}

export function pgSweepCopy(db: PgDb): RowCopy<SweepRecord> {
  const runs = page<RunRow>(db, 'sweep_runs', ['id']);
  const results = page<ResultRow & { run_id: string }>(db, 'sweep_results', ['run_id', 'target']);
  const hosts = page<SweepHostRow>(db, 'sweep_hosts', ['target']);
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* (): AsyncGenerator<SweepRecord[]> {
        for await (const p of keysetPages(runs, (r) => [r.id], size))
          yield p.map((r) => ({ table: 'run', run: runFromRow(r) }));
        for await (const p of keysetPages(results, (r) => [r.run_id, r.target], size))
          yield p.map((r) => ({ table: 'result', runId: r.run_id, result: resultFromRow(r) }));
        for await (const p of keysetPages(hosts, (r) => [r.target], size)) yield p.map(sweepHostRecord);
      })(),
    importRows: (records) =>
      db.tx(undefined, async (c) => {
        const t = sweepImportRows(records);
        // Runs first: results refer to them.
        let n = await insertRecordset(c, 'sweep_runs', RUN_DEF, t.sweep_runs);
        n += await insertRecordset(c, 'sweep_results', `run_id text, ${RESULT_COLS}`, t.sweep_results);
        n += await insertRecordset(c, 'sweep_hosts', SWEEP_HOST_DEF, t.sweep_hosts);
        return n;
      }),
    countRows: counter(db, ['sweep_runs', 'sweep_results', 'sweep_hosts']),
  };
}

/**
 * Empties every copied table and restarts their ids (identity columns and
 * `notify_batch_seq`) in one transaction; both restarts roll back with it.
 */
export async function truncatePg(db: PgDb): Promise<void> {
  await db.tx(undefined, async (c) => {
    await c.query(
      `TRUNCATE hosts, events, notify_outbox, notify_batches, notify_alerts, notify_cursor, silences,
         sweep_results, sweep_runs, sweep_hosts RESTART IDENTITY`,
    );
    await c.query('ALTER SEQUENCE notify_batch_seq RESTART');
  });
}
