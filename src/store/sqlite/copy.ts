/**
 * Exact export and import of every copied domain on SQLite (`thump db migrate`): keyset
 * pages in primary-key order, inserts with the ids kept and `ON CONFLICT DO NOTHING`, one
 * transaction per imported page. AUTOINCREMENT tables move their `sqlite_sequence` past an
 * explicitly inserted id by themselves, so new rows never reuse an imported id.
 */
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
import type { Db } from './db.js';

/** Every table the copy covers, children before parents (for deleting). */
export const SQLITE_COPIED_TABLES = [
  'hosts',
  'events',
  'notify_outbox',
  'notify_batches',
  'notify_alerts',
  'notify_cursor',
  'silences',
  'sweep_results',
  'sweep_runs',
  'sweep_hosts',
] as const;

type Key = readonly (string | number)[];

/** One page of `table` after `after` on the key columns `keys`, in key order. */
function page<R>(db: Db, table: string, keys: readonly string[], cols = '*') {
  const order = keys.join(', ');
  const first = db.prepare(`SELECT ${cols} FROM ${table} ORDER BY ${order} LIMIT ?`);
  const next = db.prepare(
    `SELECT ${cols} FROM ${table} WHERE (${order}) > (${keys.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ?`,
  );
  return (after: Key | undefined, limit: number): R[] =>
    (after === undefined ? first.all(limit) : next.all(...after, limit)) as R[];
}

function counter(db: Db, tables: readonly string[]) {
  return async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
    );
}

/** Runs `fn` in one transaction and returns how many rows its statements changed. */
function importTx(db: Db, fn: () => number): Promise<number> {
  return Promise.resolve().then(() => db.transaction(fn)());
}

/** `INSERT … ON CONFLICT DO NOTHING` of named parameters, built from the first row's keys. */
function inserter(db: Db, table: string) {
  let stmt: ReturnType<Db['prepare']> | undefined;
  return (row: object): number => {
    if (stmt === undefined) {
      const keys = Object.keys(row);
      stmt = db.prepare(
        `INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')}) ON CONFLICT DO NOTHING`,
      );
    }
    return stmt.run(row).changes;
  };
}

/** Inserts each table's rows (tables in the given order, parents first); returns rows new. */
function insertTables(db: Db, tables: Record<string, readonly object[]>): number {
  let n = 0;
  for (const [table, rows] of Object.entries(tables)) {
    const insert = inserter(db, table);
    for (const r of rows) n += insert(r);
  }
  return n;
}

export function sqliteHostCopy(db: Db): RowCopy<HostRecord> {
  const insert = inserter(db, 'hosts');
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        const p = page<HostRow>(db, 'hosts', ['id']);
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(hostFromRow);
      })(),
    importRows: (rows) => importTx(db, () => rows.reduce((n, h) => n + insert(hostToRow(h)), 0)),
    countRows: counter(db, ['hosts']),
  };
}

export function sqliteEventCopy(db: Db): RowCopy<EventRecord> {
  const insert = inserter(db, 'events');
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        const p = page<EventRow>(db, 'events', ['id'], 'id, type, host_id, at, details, transition_key');
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(eventRecordFromRow);
      })(),
    importRows: (rows) =>
      importTx(db, () =>
        rows.reduce((n, e) => {
          const row = eventRecordToRow(e);
          return n + insert({ ...row, details: JSON.stringify(row.details) });
        }, 0),
      ),
    countRows: counter(db, ['events']),
  };
}

export function sqliteOutboxCopy(db: Db): RowCopy<OutboxRecord> {
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* (): AsyncGenerator<OutboxRecord[]> {
        const rows = page<OutboxRow>(db, 'notify_outbox', ['id']);
        for await (const p of keysetPages(rows, (r) => [r.id], size)) yield p.map(outboxRowToRecord);
        const batches = page<BatchRow>(db, 'notify_batches', ['id']);
        for await (const p of keysetPages(batches, (r) => [r.id], size)) yield p.map(batchRowToRecord);
        const alerts = page<AlertRow>(db, 'notify_alerts', ['notifier', 'host_id', 'key']);
        for await (const p of keysetPages(alerts, (r) => [r.notifier, r.host_id, r.key], size))
          yield p.map(alertRowToRecord);
        const cursor = db.prepare('SELECT event_id FROM notify_cursor WHERE id = 1').get() as
          | { event_id: number }
          | undefined;
        if (cursor) yield [{ table: 'cursor', eventId: cursor.event_id }];
      })(),
    importRows: (records) => importTx(db, () => insertTables(db, outboxImportRows(records))),
    countRows: counter(db, ['notify_outbox', 'notify_batches', 'notify_alerts', 'notify_cursor']),
  };
}

export function sqliteSilenceCopy(db: Db): RowCopy<SilenceRecord> {
  const insert = inserter(db, 'silences');
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* () {
        const p = page<SilenceRow>(db, 'silences', ['id']);
        for await (const rows of keysetPages(p, (r) => [r.id], size)) yield rows.map(silenceFromRow);
      })(),
    importRows: (rows) =>
      importTx(db, () => rows.reduce((n, s) => n + insert({ id: s.id, ...silenceToRow(s) }), 0)),
    countRows: counter(db, ['silences']),
  };
}

export function sqliteSweepCopy(db: Db): RowCopy<SweepRecord> {
  return {
    exportPages: (size = COPY_PAGE_SIZE) =>
      (async function* (): AsyncGenerator<SweepRecord[]> {
        const runs = page<RunRow>(db, 'sweep_runs', ['id']);
        for await (const p of keysetPages(runs, (r) => [r.id], size))
          yield p.map((r) => ({ table: 'run', run: runFromRow(r) }));
        const results = page<ResultRow & { run_id: string }>(db, 'sweep_results', ['run_id', 'target']);
        for await (const p of keysetPages(results, (r) => [r.run_id, r.target], size))
          yield p.map((r) => ({ table: 'result', runId: r.run_id, result: resultFromRow(r) }));
        const hosts = page<SweepHostRow>(db, 'sweep_hosts', ['target']);
        for await (const p of keysetPages(hosts, (r) => [r.target], size)) yield p.map(sweepHostRecord);
      })(),
    importRows: (records) => importTx(db, () => insertTables(db, sweepImportRows(records))),
    countRows: counter(db, ['sweep_runs', 'sweep_results', 'sweep_hosts']),
  };
}

/** Empties every copied table and restarts the AUTOINCREMENT ids, in one transaction. */
export function truncateSqlite(db: Db): void {
  db.transaction(() => {
    for (const t of SQLITE_COPIED_TABLES) db.prepare(`DELETE FROM ${t}`).run();
    db.prepare(`DELETE FROM sqlite_sequence WHERE name IN ('events', 'notify_outbox', 'silences')`).run();
  })();
}
