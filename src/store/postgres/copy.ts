/**
 * Exact export and import of every copied domain on PostgreSQL (`thump db migrate`).
 * Export: keyset pages in primary-key order (`WHERE (key) > ($1…) ORDER BY key LIMIT n`, on
 * the `COLLATE "C"` keys). Import: one statement per table per page, the rows travelling as
 * one JSON array through `jsonb_to_recordset`, ids kept (`OVERRIDING SYSTEM VALUE`),
 * `ON CONFLICT DO NOTHING`, all in one transaction; then each identity sequence (and
 * `notify_batch_seq`) is moved past the largest id, never back.
 */
import type pg from 'pg';
import type { CopiedDomain } from '../copy.js';
import {
  type CopyRecordOf,
  type CopyTable,
  copyTablesOf,
  exportDomain,
  importTables,
  type Key,
  type PageReader,
} from '../copy-tables.js';
import { COPY_PAGE_SIZE, type RowCopy } from '../records.js';
import type { PgDb } from './client.js';
import { HOST_RECORD } from './core.js';

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

/**
 * Per table: its `jsonb_to_recordset` column list (`def`), the columns an export reads
 * (`export`, default `*`; JSON and boolean columns cast to SQLite's form), expressions that
 * turn the recordset's values back (`select`), and whether its ids are kept past an identity
 * column (`identity`), and the sequence to move past the largest copied value (`sequence`:
 * the sequence and the column).
 */
const TABLES: Record<
  CopyTable,
  {
    def: string;
    export?: string;
    select?: Record<string, string>;
    identity?: boolean;
    sequence?: [string, string];
  }
> = {
  hosts: {
    def: HOST_RECORD,
    export: '*, checks::text AS checks, labels::text AS labels, flapping::int AS flapping',
    select: { checks: 'checks::jsonb', labels: 'labels::jsonb', flapping: 'flapping <> 0' },
  },
  events: {
    def: EVENT_DEF,
    export: 'id, type, host_id, at, details, transition_key',
    identity: true,
    sequence: [identitySeq('events'), 'id'],
  },
  notify_outbox: {
    def: OUTBOX_DEF,
    export:
      'id, event_id, notifier, reminder, event_json::text AS event_json, created_at, ready_at, state, reason, batch_id',
    select: { event_json: 'event_json::json' },
    identity: true,
    sequence: [identitySeq('notify_outbox'), 'id'],
  },
  // Batch ids are `<notifier>-<seq>`: the next batch must not reuse a copied one's id.
  notify_batches: { def: BATCH_DEF, sequence: [`'notify_batch_seq'`, 'seq'] },
  notify_alerts: { def: ALERT_DEF },
  notify_cursor: { def: 'id int, event_id bigint' },
  silences: { def: SILENCE_DEF, identity: true, sequence: [identitySeq('silences'), 'id'] },
  sweep_runs: { def: RUN_DEF },
  sweep_results: { def: `run_id text, ${RESULT_COLS}` },
  sweep_hosts: { def: SWEEP_HOST_DEF },
};

/** One page of `table` after `after` on the key columns `keys`, in key order. */
function reader(db: PgDb): PageReader {
  return (table, keys) => {
    const order = keys.join(', ');
    const cols = TABLES[table].export ?? '*';
    return (after: Key | undefined, limit: number) =>
      after === undefined
        ? db.query(`SELECT ${cols} FROM ${table} ORDER BY ${order} LIMIT $1`, [limit])
        : db.query(
            `SELECT ${cols} FROM ${table} WHERE (${order}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})
           ORDER BY ${order} LIMIT $${keys.length + 1}`,
            [...after, limit],
          );
  };
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

/** {@link RowCopy} of one domain: export pages, import a page in one transaction, count. */
export function pgCopy<D extends CopiedDomain>(db: PgDb, d: D): RowCopy<CopyRecordOf[D]> {
  const read = reader(db);
  return {
    exportPages: (size = COPY_PAGE_SIZE) => exportDomain(read, d, size),
    importRows: (records) =>
      db.tx(undefined, async (c) => {
        let n = 0;
        for (const [table, rows] of Object.entries(importTables(d, records)) as Array<
          [CopyTable, object[]]
        >) {
          const t = TABLES[table];
          n += await insertRecordset(c, table, t.def, rows, t);
          if (rows.length > 0 && t.sequence) await bumpSequence(c, t.sequence[0], table, t.sequence[1]);
        }
        return n;
      }),
    countRows: counter(db, copyTablesOf(d)),
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
