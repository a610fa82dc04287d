/**
 * What `--db` / `monitor.db_path` names: a SQLite file path (the default) or a PostgreSQL
 * URL. Anything else that looks like a URL is refused, never taken as a file path (today's
 * `--db postgres://…` used to create `./postgres:/…` as a SQLite file).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { lookupPgPass } from './pgpass.js';

/** TLS modes as libpq names them; `prefer`/`allow` connect without TLS (see docs/store.md). */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Connection options beside the target (config keys, flags); all optional. */
export interface StoreOptions {
  /** File holding the PostgreSQL password (first line); used when the URL carries none. */
  passwordFile?: string;
  /** Overrides the URL's `sslmode`. */
  sslmode?: SslMode;
  /** PEM file of the CA that signed the server certificate (`verify-ca`, `verify-full`). */
  sslCaFile?: string;
  /** Most connections in the pool (PostgreSQL; default 4). */
  poolSize?: number;
  /** Environment to read `PGPASSWORD` from (default process.env; tests). */
  env?: NodeJS.ProcessEnv;
}

export type DbTarget =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      host: string;
      port: number;
      user?: string;
      database?: string;
      /** From the URL, the password file, PGPASSWORD or ~/.pgpass; undefined: none found. */
      password?: string;
      sslmode: SslMode;
      sslCaFile?: string;
      /** Redacted form for messages. */
      display: string;
    };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * The target with any password replaced by `***` (URL userinfo and a `password=` query
 * parameter). Every error and log line about the store uses this, never the raw text.
 */
export function redactDbTarget(target: string): string {
  if (!SCHEME.test(target)) return target;
  return target
    .replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#@:]*):[^@/?#]*@/, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

function refuse(target: string, why: string): never {
  throw new ConfigError(
    `monitor.db_path (--db) ${JSON.stringify(redactDbTarget(target))}: ${why}; give a SQLite file path (e.g. ./data/thump.db) or postgres://user@host:5432/dbname`,
  );
}

function readPasswordFile(path: string): string {
  try {
    return (readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '').trim();
  } catch (err) {
    throw new ConfigError(
      `monitor.db password_file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path and that this user may read it`,
    );
  }
}

/**
 * Parses a store target. A path is SQLite; `postgres://` and `postgresql://` URLs are
 * PostgreSQL (user, password, host, port, database, `sslmode`, `host=` for a socket folder);
 * any other scheme, or a PostgreSQL URL that cannot be parsed, is a {@link ConfigError}
 * (exit 2). Password order: URL, `passwordFile`, `PGPASSWORD`, then `PGPASSFILE` or
 * `~/.pgpass` (src/store/pgpass.ts).
 */
export function parseDbTarget(target: string, opts: StoreOptions = {}): DbTarget {
  const scheme = SCHEME.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (target.trim() === '') refuse(target, 'is empty');
    return { kind: 'sqlite', path: target };
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    refuse(target, `the "${scheme}://" scheme is not supported (only postgres:// and postgresql://)`);
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    refuse(target, 'is not a valid PostgreSQL URL');
  }
  const q = url.searchParams;
  const socketHost = q.get('host') ?? undefined;
  const host = url.hostname !== '' ? url.hostname.replace(/^\[(.*)\]$/, '$1') : (socketHost ?? '');
  if (host === '') refuse(target, 'names no host');
  const port = url.port === '' ? 5432 : Number(url.port);
  const rawMode = opts.sslmode ?? q.get('sslmode') ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(rawMode)) {
    refuse(target, `sslmode "${rawMode}" is not one of ${SSL_MODES.join(', ')}`);
  }
  const sslmode = rawMode as SslMode;
  const sslCaFile = opts.sslCaFile ?? q.get('sslrootcert') ?? undefined;
  if ((sslmode === 'verify-ca' || sslmode === 'verify-full') && sslCaFile === undefined) {
    refuse(target, `sslmode ${sslmode} needs a CA file (the ssl_ca_file option or sslrootcert=)`);
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      refuse(target, 'has a badly escaped user or password');
    }
  };
  const database = decode(url.pathname.replace(/^\//, ''));
  let password: string | undefined = url.password !== '' ? decode(url.password) : undefined;
  password ??= q.get('password') ?? undefined;
  if (password === undefined && opts.passwordFile !== undefined)
    password = readPasswordFile(opts.passwordFile);
  const env = opts.env ?? process.env;
  const envPass = env.PGPASSWORD;
  if (password === undefined && envPass !== undefined && envPass !== '') password = envPass;
  const user = url.username !== '' ? decode(url.username) : (q.get('user') ?? undefined);
  if (password === undefined) {
    // libpq's defaults for the fields a password file line is matched on.
    const u = user ?? env.PGUSER ?? env.USER ?? 'postgres';
    password = lookupPgPass({ host, port, database: database !== '' ? database : u, user: u }, env);
  }
  return {
    kind: 'postgres',
    host,
    port,
    ...(user !== undefined ? { user } : {}),
    ...(database !== '' ? { database } : {}),
    ...(password !== undefined ? { password } : {}),
    sslmode,
    ...(sslCaFile !== undefined ? { sslCaFile } : {}),
    display: redactDbTarget(target),
  };
}

/**
 * Guards the one place that creates SQLite files (`openDb`, src/store/sqlite/db.ts), should
 * it ever be reached without {@link parseDbTarget}: a URL is refused with a
 * {@link ConfigError} instead of becoming a file named after it. Unsupported schemes get
 * {@link parseDbTarget}'s message; a PostgreSQL URL is refused (it belongs to `openStore()`).
 */
export function assertSqlitePath(target: string): void {
  if (!SCHEME.test(target)) return;
  parseDbTarget(target, { env: {} });
  refuse(target, 'this command opens SQLite files only (PostgreSQL needs openStore)');
}
