/**
 * `openStore(target)`: the one place that maps a `--db` / `monitor.db_path` value to a
 * backend. A path opens SQLite (the default, no server); a `postgres://` or
 * `postgresql://` URL opens PostgreSQL (loaded only then, so SQLite users never load `pg`).
 */
import { parseDbTarget, type StoreOptions } from './target.js';
import type { Store } from './types.js';

/**
 * Opens the store a target names, with every migration domain brought up to date (each
 * step in a transaction; a schema newer than this thump is refused). Throws a ConfigError
 * (exit 2) for an unsupported or unparsable URL and a ResourceError (exit 1) when the
 * database cannot be reached; messages carry the target with its password redacted.
 */
export async function openStore(target: string, options: StoreOptions = {}): Promise<Store> {
  const t = parseDbTarget(target, options);
  if (t.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/index.js');
    return openSqliteStore(t.path);
  }
  const { openPostgresStore } = await import('./postgres/index.js');
  return openPostgresStore(t, options);
}
