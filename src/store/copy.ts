/**
 * Copies every copied domain (hosts, events, outbox, silences, sweeps) from one store to
 * another through their {@link RowCopy} methods, whatever the two backends are: the engine
 * of `thump db migrate` (src/cli/db.ts). Pages of rows are read with keyset paging and each
 * page is imported in one transaction, so a million events need a thousand transactions
 * and never sit in memory together; the next page is read while the last one is written.
 * The HA lease and per-monitor rows are not copied (they belong to running monitors).
 */
import { ResourceError } from '../errors.js';
import { COPY_PAGE_SIZE, type RowCopy } from './records.js';
import type { Store } from './types.js';

/** The domains a copy covers, in copy order. */
export const COPIED_DOMAINS = ['hosts', 'events', 'outbox', 'silences', 'sweeps'] as const;
export type CopiedDomain = (typeof COPIED_DOMAINS)[number];

/** Rows of one table. */
export interface TableCount {
  domain: CopiedDomain;
  table: string;
  rows: number;
}

/** The copy's outcome per table: rows in the source, rows new in the target, rows there now. */
export interface TableCopied {
  domain: CopiedDomain;
  table: string;
  source: number;
  target: number;
}

export interface CopyResult {
  tables: TableCopied[];
  /** Rows the imports inserted (all domains). */
  copied: number;
  seconds: number;
}

/** The source changed while it was copied, or the target does not hold what the source does. */
export class CopyIncompleteError extends ResourceError {}

const domain = (s: Store, d: CopiedDomain): RowCopy<unknown> => s[d];

/** Rows per table of every copied domain, in copy order. */
export async function countCopied(store: Store): Promise<TableCount[]> {
  const out: TableCount[] = [];
  for (const d of COPIED_DOMAINS) {
    for (const [table, rows] of Object.entries(await domain(store, d).countRows())) {
      out.push({ domain: d, table, rows });
    }
  }
  return out;
}

/** Total rows of counts. */
export const totalRows = (counts: readonly TableCount[]) => counts.reduce((n, c) => n + c.rows, 0);

function summary(counts: readonly TableCount[]): string {
  return counts.map((c) => `${c.table} ${c.rows}`).join(', ');
}

/**
 * Copies every row of `from`'s copied domains into `to`, page by page (`pageSize` rows per
 * read and per import transaction), ids and states kept. `onPage` hears each page imported.
 * Afterwards counts both sides per table and throws {@link CopyIncompleteError} when the
 * source changed during the copy (a monitor still writing it) or the target's counts differ
 * (it was not empty). Copy into an empty target (see `Store.truncate`).
 */
export async function copyStore(
  from: Store,
  to: Store,
  opts: { pageSize?: number; onPage?: (domain: CopiedDomain, rows: number) => void; now?: () => number } = {},
): Promise<CopyResult> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const before = await countCopied(from);
  let copied = 0;
  for (const d of COPIED_DOMAINS) {
    const src = domain(from, d);
    const dst = domain(to, d);
    const pages = src.exportPages(opts.pageSize ?? COPY_PAGE_SIZE)[Symbol.asyncIterator]();
    let next = pages.next();
    try {
      for (;;) {
        const page = await next;
        if (page.done) break;
        next = pages.next(); // read the next page while this one is written
        copied += await dst.importRows(page.value);
        opts.onPage?.(d, page.value.length);
      }
    } catch (err) {
      next.catch(() => {}); // the read in flight, if any, is abandoned
      throw err;
    }
  }
  const after = await countCopied(from);
  const target = await countCopied(to);
  if (summary(after) !== summary(before)) {
    throw new CopyIncompleteError(
      `the source ${from.target} changed during the copy (before: ${summary(before)}; after: ${summary(after)}): a monitor is still writing it`,
    );
  }
  const differ = after.filter((c) => target.find((t) => t.table === c.table)?.rows !== c.rows);
  if (differ.length > 0) {
    throw new CopyIncompleteError(
      `the target ${to.target} does not hold what the source does: ${differ
        .map(
          (c) => `${c.table} source ${c.rows}, target ${target.find((t) => t.table === c.table)?.rows ?? 0}`,
        )
        .join('; ')}`,
    );
  }
  return {
    tables: after.map((c) => ({
      domain: c.domain,
      table: c.table,
      source: c.rows,
      target: target.find((t) => t.table === c.table)?.rows ?? 0,
    })),
    copied,
    seconds: (now() - t0) / 1000,
  };
}
