/**
 * `thump db`: operations on a store as a whole (issue 12 item 7; the operations issue adds
 * `thump db backup`).
 *
 * - `thump db migrate --from <path|url> --to <path|url> [--force] [--json]` copies hosts,
 *   events, outbox state, silences and sweeps between any two stores (SQLite → PostgreSQL
 *   is the main case; PostgreSQL → SQLite is the way back; SQLite → SQLite a copy), ids
 *   and delivery states kept, in pages of `--batch-size` rows per transaction
 *   (src/store/copy.ts). A non-empty target is refused unless `--force`, which empties it
 *   in one transaction first, so a re-run after a failed or older copy is always exact.
 * - `thump db info <path|url> [--json]`: backend, redacted target, schema version per
 *   domain and rows per table.
 *
 * Exit codes: 0 done, 1 a store failed (unreachable, refused login, copy incomplete),
 * 2 usage (bad flag or URL scheme, missing source file, non-empty target without --force,
 * live monitors on a store). Passwords are never printed (`redactDbTarget`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, ResourceError, UsageError } from '../errors.js';
import {
  CopyIncompleteError,
  copyStore,
  countCopied,
  type DbTarget,
  openStore,
  parseDbTarget,
  redactDbTarget,
  type Store,
  type StoreOptions,
  totalRows,
} from '../store/index.js';
import { copyTable, countsTable, createCopyProgress, formatTable, perDomain } from './db-output.js';

/** A liveness row newer than this means a monitor is using the store (they beat about every second). */
const LIVE_WINDOW_MS = 15_000;

interface MigrateFlags {
  from: string;
  to: string;
  force: boolean;
  json: boolean;
  batchSize: string;
  fromPasswordFile?: string;
  toPasswordFile?: string;
}

interface InfoFlags {
  json: boolean;
  passwordFile?: string;
}

/**
 * Parses a target named by `flag`, re-labelling the store's message (it names `--db`) and
 * refusing a SQLite source file that does not exist (opening it would create an empty one).
 */
function checkTarget(flag: string, target: string, opts: StoreOptions, mustExist: boolean): DbTarget {
  let t: DbTarget;
  try {
    t = parseDbTarget(target, opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new UsageError(err.message.replace(/^monitor\.db_path \(--db\)/, flag), { cause: err });
    }
    throw err;
  }
  if (mustExist && t.kind === 'sqlite' && t.path !== ':memory:' && !existsSync(t.path)) {
    throw new UsageError(
      `${flag} ${t.path}: no such file; give the SQLite file a monitor writes (monitor.db_path, default ./data/thump.db)`,
    );
  }
  return t;
}

/** The same database, whatever the spelling (a path resolved; host, port and database of a URL). */
function sameStore(a: DbTarget, b: DbTarget): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite')
    return a.path !== ':memory:' && resolve(a.path) === resolve(b.path);
  if (a.kind === 'postgres' && b.kind === 'postgres') {
    return a.host === b.host && a.port === b.port && (a.database ?? a.user) === (b.database ?? b.user);
  }
  return false;
}

/** Refuses a store that monitors are using right now: a copy must not race their writes. */
async function refuseLive(flag: string, store: Store): Promise<void> {
  const now = Date.now();
  const live = await store.monitors.live(now - LIVE_WINDOW_MS);
  if (live.length === 0) return;
  const who = live.map(
    (m) => `${m.monitorId} (seen ${Math.max(0, Math.round((now - m.seenAt) / 1000))} s ago)`,
  );
  throw new UsageError(
    `${flag} ${store.target}: monitors are using this store: ${who.join(', ')}; stop them before copying (a copy must not race a live monitor)`,
  );
}

function batchSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new UsageError(
      `--batch-size: expected a whole number from 1 to 100000, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

const passwordOpt = (file: string | undefined): StoreOptions =>
  file !== undefined ? { passwordFile: file } : {};

async function migrate(f: MigrateFlags): Promise<void> {
  const pageSize = batchSize(f.batchSize);
  const fromOpts = passwordOpt(f.fromPasswordFile);
  const toOpts = passwordOpt(f.toPasswordFile);
  const dst = checkTarget('--to', f.to, toOpts, false);
  const src = checkTarget('--from', f.from, fromOpts, true);
  if (sameStore(src, dst)) {
    throw new UsageError(`--from and --to name the same store (${redactDbTarget(f.to)}); give another --to`);
  }
  const from = await openStore(f.from, fromOpts);
  let to: Store | undefined;
  try {
    to = await openStore(f.to, toOpts);
    await refuseLive('--from', from);
    await refuseLive('--to', to);
    const existing = await countCopied(to);
    const held = totalRows(existing);
    if (held > 0) {
      if (!f.force) {
        const which = existing.filter((c) => c.rows > 0).map((c) => `${c.table} ${c.rows}`);
        throw new UsageError(
          `--to ${to.target} already holds ${held} rows (${which.join(', ')}); pass --force to empty it and copy again`,
        );
      }
      await to.truncate();
      if (!f.json) process.stderr.write(`thump db migrate: emptied ${to.target} (--force): ${held} rows\n`);
    }
    const progress = await createCopyProgress(process.stderr, totalRows(await countCopied(from)));
    let result: Awaited<ReturnType<typeof copyStore>>;
    try {
      result = await copyStore(from, to, { pageSize, onPage: (d, n) => progress.page(d, n) });
    } catch (err) {
      if (err instanceof CopyIncompleteError) {
        throw new ResourceError(
          `${err.message}; stop every monitor using ${from.target} and run again with --force`,
          { cause: err },
        );
      }
      throw err;
    } finally {
      progress.stop();
    }
    if (f.json) {
      for (const t of result.tables) process.stdout.write(`${JSON.stringify(t)}\n`);
      process.stdout.write(
        `${JSON.stringify({
          summary: true,
          from: from.target,
          fromBackend: from.kind,
          to: to.target,
          toBackend: to.kind,
          rows: result.tables.reduce((n, t) => n + t.source, 0),
          copied: result.copied,
          seconds: Number(result.seconds.toFixed(3)),
          rowsPerSecond: result.seconds > 0 ? Math.round(result.copied / result.seconds) : null,
        })}\n`,
      );
    } else {
      process.stdout.write(
        `copied ${from.kind} ${from.target} -> ${to.kind} ${to.target}\n${copyTable(result)}`,
      );
    }
  } finally {
    await to?.close();
    await from.close();
  }
}

async function info(target: string, f: InfoFlags): Promise<void> {
  const opts = passwordOpt(f.passwordFile);
  checkTarget('thump db info', target, opts, true);
  const store = await openStore(target, opts);
  try {
    const schema = await store.schemaVersions();
    const counts = await countCopied(store);
    if (f.json) {
      process.stdout.write(
        `${JSON.stringify({
          backend: store.kind,
          target: store.target,
          schema,
          domains: perDomain(counts),
          tables: counts.map((c) => ({ domain: c.domain, table: c.table, rows: c.rows })),
        })}\n`,
      );
      return;
    }
    const versions = Object.entries(schema)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([d, v]) => `${d} ${v}`)
      .join(', ');
    const head = formatTable([
      ['backend', store.kind],
      ['target', store.target],
      ['schema', versions],
      ['rows', totalRows(counts).toLocaleString('en-US')],
    ]);
    process.stdout.write(`${head}\n\n${countsTable(counts)}\n`);
  } finally {
    await store.close();
  }
}

const TARGETS = `
Targets: a SQLite file path (./data/thump.db) or postgres://user[:password]@host[:port]/db
(also postgresql://; ?sslmode=require|verify-ca|verify-full&sslrootcert=ca.pem). The password
comes from the URL, the --*-password-file, PGPASSWORD, or ~/.pgpass (PGPASSFILE); it is never
printed.`;

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('Store operations: copy a store to another backend (migrate), inspect one (info)');
  db.command('migrate')
    .description(
      'Copy hosts, events, outbox state, silences and sweeps from one store to another, ids and delivery state kept',
    )
    .requiredOption(
      '--from <path|url>',
      'source store (SQLite file or postgres:// URL); stop its monitors first',
    )
    .requiredOption('--to <path|url>', 'target store; must be empty unless --force')
    .option('--force', 'empty a non-empty target first (in one transaction), then copy', false)
    .option('--json', 'print the counts as JSON lines (one per table, then a summary)', false)
    .option('--batch-size <rows>', 'rows per page read and per transaction written', '1000')
    .option('--from-password-file <file>', 'PostgreSQL password for --from (first line)')
    .option('--to-password-file <file>', 'PostgreSQL password for --to (first line)')
    .addHelpText(
      'after',
      `${TARGETS}

Examples:
  thump db migrate --from data/thump.db --to postgres://thump@db.example:5432/thump
  thump db migrate --from postgres://thump@db.example/thump --to data/back.db   # the way back
  thump db migrate --from data/thump.db --to postgres://… --force               # re-run exactly

Exit codes: 0 copied, 1 a store failed (unreachable, login refused, copy incomplete),
2 usage (bad flag or scheme, missing source, non-empty target without --force).`,
    )
    .action((flags: MigrateFlags) => migrate(flags));
  db.command('info')
    .description('Show a store: backend, target (password redacted), schema versions, rows per table')
    .argument('<path|url>', 'a SQLite file or postgres:// URL')
    .option('--json', 'print one JSON object', false)
    .option('--password-file <file>', 'PostgreSQL password (first line)')
    .addHelpText('after', TARGETS)
    .action((target: string, flags: InfoFlags) => info(target, flags));
}
