/**
 * Exact export and import of every copied domain on SQLite (`thump db migrate`): keyset
 * pages in primary-key order, inserts with the ids kept and `ON CONFLICT DO NOTHING`, one
 * transaction per imported page. AUTOINCREMENT tables move their `sqlite_sequence` past an
 * explicitly inserted id by themselves, so new rows never reuse an imported id. Which tables,
 * keys and mappings: src/store/copy-tables.ts.
 */
import type { CopiedDomain } from '../copy.js';
import {
  type CopyRecordOf,
  copyTablesOf,
  exportDomain,
  importTables,
  type Key,
  type PageReader,
} from '../copy-tables.js';
import { COPY_PAGE_SIZE, type RowCopy } from '../records.js';
import type { Db } from './db.js';

/** Every table the copy covers, children before parents (for deleting). */
const SQLITE_COPIED_TABLES = [
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

/** The columns an export reads where not every column (`*`). */
const EXPORT_COLUMNS: Partial<Record<string, string>> = {
  events: 'id, type, host_id, at, details, transition_key',
};

/** One page of a table after `after` on its key columns, in key order. */
function reader(db: Db): PageReader {
  return (table, keys) => {
    const order = keys.join(', ');
    const cols = EXPORT_COLUMNS[table] ?? '*';
    const first = db.prepare(`SELECT ${cols} FROM ${table} ORDER BY ${order} LIMIT ?`);
    const next = db.prepare(
      `SELECT ${cols} FROM ${table} WHERE (${order}) > (${keys.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ?`,
    );
    return (after: Key | undefined, limit: number) =>
      after === undefined ? first.all(limit) : next.all(...after, limit);
  };
}

/** A JSON value (events' `details`) as SQLite stores it: text. */
const sqliteValue = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

/** `INSERT … ON CONFLICT DO NOTHING` of each row (named parameters from its keys); returns rows new. */
function insertRows(db: Db, table: string, rows: readonly object[]): number {
  const first = rows[0];
  if (first === undefined) return 0;
  const keys = Object.keys(first);
  const stmt = db.prepare(
    `INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')}) ON CONFLICT DO NOTHING`,
  );
  let n = 0;
  for (const r of rows) {
    n += stmt.run(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, sqliteValue(v)]))).changes;
  }
  return n;
}

/** {@link RowCopy} of one domain: export pages, import a page in one transaction, count. */
export function sqliteCopy<D extends CopiedDomain>(db: Db, d: D): RowCopy<CopyRecordOf[D]> {
  const read = reader(db);
  return {
    exportPages: (size = COPY_PAGE_SIZE) => exportDomain(read, d, size),
    importRows: (records) =>
      Promise.resolve().then(() =>
        db.transaction(() => {
          let n = 0;
          for (const [table, rows] of Object.entries(importTables(d, records)))
            n += insertRows(db, table, rows);
          return n;
        })(),
      ),
    countRows: async () =>
      Object.fromEntries(
        copyTablesOf(d).map((t) => [
          t,
          (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n,
        ]),
      ),
  };
}

/** Empties every copied table and restarts the AUTOINCREMENT ids, in one transaction. */
export function truncateSqlite(db: Db): void {
  db.transaction(() => {
    for (const t of SQLITE_COPIED_TABLES) db.prepare(`DELETE FROM ${t}`).run();
    db.prepare(`DELETE FROM sqlite_sequence WHERE name IN ('events', 'notify_outbox', 'silences')`).run();
  })();
}
