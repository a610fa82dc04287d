/**
 * A throw-away PostgreSQL cluster for tests and benchmarks: `initdb` + `pg_ctl` from
 * /usr/lib/postgresql/<newest>/bin in a temp folder, run as the `postgres` user when we
 * are root (PostgreSQL refuses to run as root), on a free loopback port, its unix socket
 * in the temp folder, fsync off. Password (SCRAM) auth on TCP, so tests use real logins.
 * If it cannot start it throws with the reason and the server log; it never skips.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freeTcpPort } from './proc.js';

const run = promisify(execFile);

export interface PgCluster {
  port: number;
  /** Superuser name and password (SCRAM over TCP). */
  user: string;
  password: string;
  /** `postgres://user:password@127.0.0.1:port/<db>`. */
  url(database: string): string;
  /** Creates an empty database and returns its URL (one per test or suite). */
  createDatabase(prefix?: string): Promise<string>;
  /** A superuser client on `database` (caller ends it). */
  client(database?: string): Promise<pg.Client>;
  /** Stops the server (fast shutdown) but keeps its data: a store outage. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port after {@link stopServer}. */
  startServer(): Promise<void>;
  /** Stops the server (immediate) and removes its folder. */
  stop(): Promise<void>;
}

function binDir(): string {
  const root = process.env.THUMP_PG_BIN ?? '/usr/lib/postgresql';
  if (process.env.THUMP_PG_BIN) return root;
  if (!existsSync(root)) {
    throw new Error(
      `PostgreSQL not found under ${root}: install the Debian package postgresql (or set THUMP_PG_BIN)`,
    );
  }
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL with initdb under ${root}/*/bin`);
  return join(root, versions[0] as string, 'bin');
}

let dbCounter = 0;

/** Starts a cluster (bounded: `timeoutMs`, default 30 s). */
export async function startPostgres(opts: { timeoutMs?: number } = {}): Promise<PgCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'thump-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pwfile = join(dir, 'pw');
  const password = `pw-${process.pid}-${Date.now().toString(36)}`;
  writeFileSync(pwfile, `${password}\n`);
  writeFileSync(log, '');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('user "postgres" does not exist: install the Debian package postgresql');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    for (const p of [dir, pwfile, log]) chownSync(p, Number(stdout), Number(gid));
  }
  chmodSync(dir, 0o700);
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  const tail = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no server log)';
    }
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const port = await freeTcpPort();
  let o = '';
  const timeoutS = Math.ceil((opts.timeoutMs ?? 30_000) / 1000);
  try {
    await as('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--pwfile',
      pwfile,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    o = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    await as('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', String(timeoutS), '-o', o]);
  } catch (err) {
    const msg = `cannot start PostgreSQL from ${bin}: ${(err as Error).message.trim()}\n${tail()}`;
    // A start that timed out may have left a server running: stop it before removing its folder.
    await as('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10']).catch(() => {});
    cleanup();
    throw new Error(msg);
  }
  const url = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const client = async (database = 'postgres') => {
    const c = new pg.Client({ connectionString: url(database) });
    await c.connect();
    return c;
  };
  return {
    port,
    user: 'postgres',
    password,
    url,
    client,
    createDatabase: async (prefix = 't') => {
      const name = `${prefix}_${process.pid}_${++dbCounter}`;
      const c = await client();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stopServer: async () => {
      await as('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', String(timeoutS)]);
    },
    startServer: async () => {
      try {
        await as('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', String(timeoutS), '-o', o]);
      } catch (err) {
        throw new Error(`cannot restart PostgreSQL: ${(err as Error).message.trim()}\n${tail()}`);
      }
    },
    stop: async () => {
      try {
        await as('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '15']);
      } finally {
        cleanup();
      }
    },
  };
}
