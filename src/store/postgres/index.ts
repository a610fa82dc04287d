/**
 * The PostgreSQL backend (13 or later): a `pg` pool, per-domain migrations
 * (src/store/postgres/schema.ts) and one module per domain. Shared rows are written in
 * fenced transactions; the outbox is claimed with `FOR UPDATE SKIP LOCKED`; events are
 * idempotent per transition key. Schema choices are in docs/store.md.
 */
import type pg from 'pg';
import type { StoreOptions } from '../target.js';
import type {
  EventStore,
  HostStore,
  LeaseStore,
  MonitorRowsStore,
  OutboxStore,
  SilenceStore,
  Store,
  SweepStore,
} from '../types.js';
import { PgDb, type PgTarget } from './client.js';
import { pgCopy, truncatePg } from './copy.js';
import { pgEventStore, pgHostStore } from './core.js';
import { pgLeaseStore, pgMonitorRows } from './ha.js';
import { pgOutboxStore } from './outbox.js';
import { migratePg, PG_DOMAINS } from './schema.js';
import { pgSilenceStore } from './silences.js';
import { pgSweepStore } from './sweeps.js';

/** A {@link Store} on one PostgreSQL database. */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly target: string;
  readonly hosts: HostStore;
  readonly events: EventStore;
  readonly outbox: OutboxStore;
  readonly silences: SilenceStore;
  readonly sweeps: SweepStore;
  readonly lease: LeaseStore;
  readonly monitors: MonitorRowsStore;

  constructor(readonly db: PgDb) {
    this.target = db.target.display;
    // Each domain's export/import (thump db migrate) lives in copy.ts beside its daily queries.
    this.hosts = { ...pgHostStore(db), ...pgCopy(db, 'hosts') };
    this.events = { ...pgEventStore(db), ...pgCopy(db, 'events') };
    this.outbox = { ...pgOutboxStore(db), ...pgCopy(db, 'outbox') };
    this.silences = { ...pgSilenceStore(db), ...pgCopy(db, 'silences') };
    this.sweeps = { ...pgSweepStore(db), ...pgCopy(db, 'sweeps') };
    this.lease = pgLeaseStore(db);
    this.monitors = pgMonitorRows(db);
  }

  async schemaVersions(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ domain: string; version: number }>(
      'SELECT domain, version FROM schema_versions',
    );
    return Object.fromEntries(rows.map((r) => [r.domain, r.version]));
  }

  truncate(): Promise<void> {
    return truncatePg(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * Connects, migrates every domain and returns the store. Throws a ResourceError naming the
 * redacted target when the server cannot be reached or refuses the login.
 */
export async function openPostgresStore(
  target: PgTarget,
  options: StoreOptions = {},
): Promise<PostgresStore> {
  const db = new PgDb(target, options.poolSize ?? 4);
  try {
    let c: pg.PoolClient;
    try {
      c = await db.pool.connect();
    } catch (err) {
      throw db.fail('cannot connect (check host, port, user, password and sslmode)', err, true);
    }
    try {
      await migratePg(c, PG_DOMAINS, target.display);
    } finally {
      c.release();
    }
    return new PostgresStore(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
