/**
 * Copying a store, the parts no SQL dialect changes (`thump db migrate`, docs/store.md): the
 * tables of each copied domain with their keyset keys, how their rows become copy records
 * and back, and the export of a domain as pages of records given a backend's page reader.
 * A backend supplies only the reading of one page, the inserting of rows and the counting.
 */
import type { CopiedDomain } from './copy.js';
import { alertRowToRecord, batchRowToRecord, outboxImportRows, outboxRowToRecord } from './outbox-rows.js';
import {
  type EventRecord,
  type HostRecord,
  keysetPages,
  type OutboxRecord,
  type SilenceRecord,
  type SweepRecord,
} from './records.js';
import {
  eventRecordFromRow,
  eventRecordToRow,
  hostFromRow,
  hostToRow,
  silenceFromRow,
  silenceToRow,
} from './rows.js';
import { resultFromRow, runFromRow, sweepHostRecord, sweepImportRows } from './sweep-rows.js';

/** A keyset key: the key columns' values of the last row of a page. */
export type Key = readonly (string | number)[];

/** The tables of each copied domain, parents first, each with its key columns (keyset order). */
const COPY_TABLES = {
  hosts: { hosts: ['id'] },
  events: { events: ['id'] },
  outbox: {
    notify_outbox: ['id'],
    notify_batches: ['id'],
    notify_alerts: ['notifier', 'host_id', 'key'],
    notify_cursor: ['id'],
  },
  silences: { silences: ['id'] },
  sweeps: { sweep_runs: ['id'], sweep_results: ['run_id', 'target'], sweep_hosts: ['target'] },
} as const satisfies Record<CopiedDomain, Record<string, readonly string[]>>;

/** Every copied table. */
export type CopyTable = { [D in CopiedDomain]: keyof (typeof COPY_TABLES)[D] }[CopiedDomain];

/** The record type each domain copies. */
export interface CopyRecordOf {
  hosts: HostRecord;
  events: EventRecord;
  outbox: OutboxRecord;
  silences: SilenceRecord;
  sweeps: SweepRecord;
}

/** The tables of a domain, parents first. */
export const copyTablesOf = (d: CopiedDomain): CopyTable[] => Object.keys(COPY_TABLES[d]) as CopyTable[];

// Rows arrive as the backend's driver returns them; the mappers name their columns.
// biome-ignore lint/suspicious/noExplicitAny: one table of mappers over differently shaped rows
type AnyRow = any;

/** A row of each table as its domain's copy record. */
const TO_RECORD: Record<CopyTable, (r: AnyRow) => unknown> = {
  hosts: hostFromRow,
  events: eventRecordFromRow,
  notify_outbox: outboxRowToRecord,
  notify_batches: batchRowToRecord,
  notify_alerts: alertRowToRecord,
  notify_cursor: (r) => ({ table: 'cursor', eventId: r.event_id }),
  silences: silenceFromRow,
  sweep_runs: (r) => ({ table: 'run', run: runFromRow(r) }),
  sweep_results: (r) => ({ table: 'result', runId: r.run_id, result: resultFromRow(r) }),
  sweep_hosts: sweepHostRecord,
};

/** Up to `limit` rows of a table after the key `after` (undefined: from the start), in key order. */
export type PageReader = (
  table: CopyTable,
  keys: readonly string[],
) => (after: Key | undefined, limit: number) => AnyRow[] | Promise<AnyRow[]>;

/** Every row of domain `d` as records, table by table (parents first), in pages of `size`. */
export async function* exportDomain<D extends CopiedDomain>(
  read: PageReader,
  d: D,
  size: number,
): AsyncGenerator<CopyRecordOf[D][]> {
  for (const [table, keys] of Object.entries(COPY_TABLES[d]) as Array<[CopyTable, readonly string[]]>) {
    const toRecord = TO_RECORD[table];
    for await (const rows of keysetPages(read(table, keys), (r) => keys.map((k) => r[k]) as Key, size)) {
      yield rows.map(toRecord) as CopyRecordOf[D][];
    }
  }
}

/**
 * Records of domain `d` as each table's rows, tables parents first (an import writes them in
 * that order). JSON columns (`details`) are values; a backend storing JSON as text
 * stringifies them.
 */
export function importTables<D extends CopiedDomain>(
  d: D,
  records: readonly CopyRecordOf[D][],
): Partial<Record<CopyTable, readonly object[]>> {
  switch (d) {
    case 'hosts':
      return { hosts: (records as readonly HostRecord[]).map(hostToRow) };
    case 'events':
      return { events: (records as readonly EventRecord[]).map(eventRecordToRow) };
    case 'outbox':
      return outboxImportRows(records as readonly OutboxRecord[]);
    case 'silences':
      return {
        silences: (records as readonly SilenceRecord[]).map((s) => ({ id: s.id, ...silenceToRow(s) })),
      };
    default:
      return sweepImportRows(records as readonly SweepRecord[]);
  }
}
