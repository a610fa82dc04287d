/**
 * The PostgreSQL connection pool and the one transaction helper every write goes through
 * (BEGIN, the fence check, the work, COMMIT; ROLLBACK on any error). Timestamps are BIGINT
 * milliseconds, as in SQLite, so they are parsed as JS numbers (exact below 2^53).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ConfigError, ResourceError, ThumpError } from '../../errors.js';
import type { DbTarget } from '../target.js';
import { type Fence, FencedError } from '../types.js';

export type PgTarget = Extract<DbTarget, { kind: 'postgres' }>;
export type Queryable = pg.Pool | pg.PoolClient;

const INT8_OID = 20;
const FENCED_BEGIN = 'BEGIN; SELECT epoch FROM ha_lease WHERE id = 1 FOR SHARE';

/**
 * The server ends a session that sits idle inside a transaction this long. A fenced write
 * holds the lease row `FOR SHARE` until it commits, and a takeover waits for it: without this
 * bound, an active monitor frozen mid-transaction (kill -STOP, a paused VM) would block every
 * takeover for as long as it stays frozen, since its TCP connection stays open. Below the
 * default 3 s lease, so a takeover is not delayed past the lease's own expiry; a live monitor's
 * transactions never wait on anything but the server, and one that stalls this long simply
 * fails and is retried (events are kept until written).
 */
export const IDLE_IN_TRANSACTION_MS = 2000;

/** BIGINT (ids, counts, ms timestamps) as numbers; every other type as `pg` parses it. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function sslConfig(t: PgTarget): pg.ClientConfig['ssl'] {
  if (t.sslmode === 'disable' || t.sslmode === 'allow' || t.sslmode === 'prefer') return false;
  if (t.sslmode === 'require') return { rejectUnauthorized: false };
  let ca: string;
  try {
    ca = readFileSync(t.sslCaFile as string, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `monitor.db ssl_ca_file ${t.sslCaFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give the PEM file of the CA that signed the server certificate`,
    );
  }
  // verify-ca checks the chain but not the host name, as libpq does.
  return t.sslmode === 'verify-ca' ? { ca, checkServerIdentity: () => undefined } : { ca };
}

/** A pool on one PostgreSQL database, with a transaction helper that checks the lease fence. */
export class PgDb {
  readonly pool: pg.Pool;
  /** The connection settings, for a dedicated (non-pool) client such as a LISTEN. */
  readonly clientConfig: pg.ClientConfig;

  constructor(
    readonly target: PgTarget,
    poolSize = 4,
  ) {
    this.clientConfig = {
      host: target.host,
      port: target.port,
      ...(target.user !== undefined ? { user: target.user } : {}),
      ...(target.database !== undefined ? { database: target.database } : {}),
      // A function, so `pg` never falls back to PGPASSWORD or its own (deprecated) ~/.pgpass
      // lookup: src/store/target.ts has already looked everywhere, in the documented order.
      password: async () => target.password ?? '',
      ssl: sslConfig(target),
      connectionTimeoutMillis: 10_000,
      application_name: 'thump',
      types,
    };
    this.pool = new pg.Pool({
      ...this.clientConfig,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      max: poolSize,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that breaks (server restart) is dropped by the pool; the next query
    // reports the outage. Without a listener the 'error' event would end the process.
    this.pool.on('error', () => {});
  }

  /** A {@link ResourceError} naming the (redacted) target and what failed. */
  fail(what: string, err: unknown, anyError = false): Error {
    if (err instanceof ThumpError || !(err instanceof Error)) return err as Error;
    // Inside a transaction only the driver's and the network's errors (they carry a code)
    // are wrapped; a hook's own error passes through unchanged.
    if (!anyError && !('code' in err && typeof err.code === 'string')) return err;
    if (/client password must be/.test(err.message)) {
      return new ResourceError(
        `PostgreSQL ${this.target.display}: ${what}: the server asks for a password and none was given (URL, password_file, PGPASSWORD, PGPASSFILE or ~/.pgpass)`,
        { cause: err },
      );
    }
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    const inner = (err as Partial<AggregateError>).errors?.map((e: Error) => e.message).join('; ');
    const msg = err.message || inner || String((err as { code?: unknown }).code);
    return new ResourceError(`PostgreSQL ${this.target.display}: ${what}: ${msg}`, { cause: err });
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    on: Queryable = this.pool,
  ): Promise<R[]> {
    try {
      return (await on.query<R>(sql, params)).rows;
    } catch (err) {
      throw this.fail('query failed', err);
    }
  }

  /**
   * Runs `fn` in one transaction on one connection. With a fence, first locks the lease row
   * `FOR SHARE` (a takeover waits for this transaction) and throws {@link FencedError} unless
   * it carries `fence.epoch`.
   */
  async tx<T>(fence: Fence | undefined, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (err) {
      throw this.fail('cannot connect', err, true);
    }
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a session the server ends (the idle-in-
    // transaction bound above, a restart) would otherwise raise an unhandled 'error' and end
    // the process. The failing query rejects on its own; the connection is then discarded.
    let ended = false;
    const onError = (err: Error) => {
      ended = true;
      broken ??= err;
    };
    c.on('error', onError);
    try {
      if (fence === undefined) await c.query('BEGIN');
      else {
        // One round trip: a simple-protocol query with two statements returns two results.
        const res = (await c.query(FENCED_BEGIN)) as unknown as Array<pg.QueryResult<{ epoch: number }>>;
        const row = res[1]?.rows[0];
        if (row?.epoch !== fence.epoch) throw new FencedError(fence.epoch, row?.epoch);
      }
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await c.query('ROLLBACK');
      } catch (e) {
        broken = e as Error;
      }
      // pg's "not queryable" error after a session ended carries no code: wrap it too.
      throw this.fail(
        ended ? 'transaction failed (the server ended the session)' : 'transaction failed',
        err,
        ended,
      );
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
