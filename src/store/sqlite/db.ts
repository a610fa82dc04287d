import { closeSync, existsSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ResourceError } from '../../errors.js';
import { assertSqlitePath } from '../target.js';

export type Db = Database.Database;

/**
 * Versioned schema migrations, kept per domain (hosts/events, outbox, silences, sweeps...)
 * so each part of the product owns its tables. Step N runs once, in a transaction,
 * when the domain's recorded version is below N+1.
 */
export interface Migrations {
  domain: string;
  steps: ReadonlyArray<(db: Db) => void>;
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and brings every domain's
 * schema up to date. Throws a {@link ResourceError} naming the path when it cannot.
 */
export function openDb(path: string, domains: readonly Migrations[]): Db {
  assertSqlitePath(path); // never a file named after a URL (ConfigError, exit 2)
  let db: Db;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      createPrivate(path);
    }
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a crash of the process (SIGKILL) loses nothing committed;
    // only an OS crash or power cut may lose the last transactions.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new ResourceError(
      `cannot open database ${path}: ${(err as Error).message}; check that the folder exists and is writable, or pass another --db`,
      { cause: err },
    );
  }
  migrate(db, domains);
  return db;
}

/**
 * Creates a new database file with mode 0600 whatever the umask (it holds host names,
 * addresses and notifier state); SQLite gives its -wal and -shm files the database file's
 * mode. An existing file keeps its mode.
 */
function createPrivate(path: string): void {
  if (existsSync(path)) return;
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

export function migrate(db: Db, domains: readonly Migrations[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const get = db.prepare<[string], { version: number }>(
    'SELECT version FROM schema_versions WHERE domain = ?',
  );
  const set = db.prepare(
    'INSERT INTO schema_versions (domain, version) VALUES (?, ?) ON CONFLICT(domain) DO UPDATE SET version = excluded.version',
  );
  for (const { domain, steps } of domains) {
    const current = get.get(domain)?.version ?? 0;
    if (current > steps.length) {
      throw new ResourceError(
        `database schema for "${domain}" is version ${current}, newer than this thump knows (${steps.length}); upgrade thump or use another --db`,
      );
    }
    for (let v = current; v < steps.length; v++) {
      const step = steps[v] as (db: Db) => void;
      db.transaction(() => {
        step(db);
        set.run(domain, v + 1);
      })();
    }
  }
}
