/**
 * The SQLite backend: one file in WAL mode (db.ts, schema.ts), one module per domain
 * (core.ts: hosts and events; outbox.ts; silences.ts; sweeps.ts; copy.ts), all behind the
 * async {@link Store} interface. Synchronous underneath (better-sqlite3): every method runs
 * its transaction at once and resolves. One monitor owns the file, so the lease is trivial
 * and the per-monitor rows live in memory.
 */

import { resolve } from 'node:path';
import type {
  EventStore,
  HostStore,
  LeaseState,
  LeaseStore,
  MonitorLiveness,
  MonitorRowsStore,
  OutboxStore,
  SilenceStore,
  Store,
  Suspect,
  SweepStore,
} from '../types.js';
import { sqliteCopy, truncateSqlite } from './copy.js';
import { sqliteEventStore, sqliteHostStore } from './core.js';
import { type Db, openDb } from './db.js';
import { SQLITE_EPOCH, sqliteTx } from './fence.js';
import { sqliteOutbox } from './outbox.js';
import { SQLITE_DOMAINS } from './schema.js';
import { sqliteSilenceStore } from './silences.js';
import { sqliteSweepStore } from './sweeps.js';

let memoryDbs = 0;

/** A {@link Store} on one SQLite file. `db` is the raw handle, for this backend's own tests. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly hosts: HostStore;
  readonly events: EventStore;
  readonly outbox: OutboxStore;
  readonly silences: SilenceStore;
  readonly sweeps: SweepStore;
  readonly lease: LeaseStore;
  readonly monitors: MonitorRowsStore;

  constructor(
    readonly db: Db,
    readonly target: string,
  ) {
    // The resolved file keys this process's event watchers of it.
    const file = target === ':memory:' ? `:memory:${++memoryDbs}` : resolve(target);
    const tx = sqliteTx(db);
    const outbox = sqliteOutbox(db, tx);
    // Each domain's export/import (thump db migrate) lives in copy.ts beside its daily queries.
    this.hosts = { ...sqliteHostStore(db, tx), ...sqliteCopy(db, 'hosts') };
    this.events = { ...sqliteEventStore(db, tx, file, outbox.statements), ...sqliteCopy(db, 'events') };
    this.outbox = { ...outbox.store, ...sqliteCopy(db, 'outbox') };
    this.silences = { ...sqliteSilenceStore(db, tx), ...sqliteCopy(db, 'silences') };
    this.sweeps = { ...sqliteSweepStore(db), ...sqliteCopy(db, 'sweeps') };
    this.lease = trivialLease();
    this.monitors = memoryMonitorRows();
  }

  async schemaVersions(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT domain, version FROM schema_versions').all() as Array<{
      domain: string;
      version: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.domain, r.version]));
  }

  async truncate(): Promise<void> {
    truncateSqlite(this.db);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** One monitor owns a SQLite file: it always holds the lease, at {@link SQLITE_EPOCH}. */
function trivialLease(): LeaseStore {
  let last: LeaseState | undefined;
  return {
    tryAcquireOrRenew: async (holder, ttlMs, now) => {
      last = { held: true, holder, epoch: SQLITE_EPOCH, expiresAt: now + ttlMs };
      return last;
    },
    current: async () =>
      last === undefined ? undefined : { holder: last.holder, epoch: last.epoch, expiresAt: last.expiresAt },
    release: async (holder, epoch) => {
      if (last === undefined || last.holder !== holder || epoch !== SQLITE_EPOCH) return false;
      last = { ...last, held: false, expiresAt: 0 };
      return true;
    },
  };
}

/** Binary (code unit) order, as SQLite's and the PostgreSQL schema's `COLLATE "C"`. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Per-monitor rows of the only monitor: kept in memory (nobody else reads them). */
function memoryMonitorRows(): MonitorRowsStore {
  const live = new Map<string, MonitorLiveness>();
  const suspects = new Map<string, Suspect>();
  const key = (m: string, h: string) => `${m}\u0000${h}`;
  return {
    heartbeat: async (monitorId, now, info = {}) => {
      live.set(monitorId, { monitorId, seenAt: now, info });
    },
    live: async (since) =>
      [...live.values()].filter((l) => l.seenAt >= since).sort((a, b) => cmp(a.monitorId, b.monitorId)),
    addSuspects: async (monitorId, hostIds, since) => {
      for (const hostId of hostIds) {
        if (!suspects.has(key(monitorId, hostId)))
          suspects.set(key(monitorId, hostId), { monitorId, hostId, since });
      }
    },
    removeSuspects: async (monitorId, hostIds) => {
      for (const h of hostIds) suspects.delete(key(monitorId, h));
    },
    suspects: async (monitorId) =>
      [...suspects.values()]
        .filter((s) => monitorId === undefined || s.monitorId === monitorId)
        .sort((a, b) => cmp(a.hostId, b.hostId) || cmp(a.monitorId, b.monitorId)),
  };
}

/** Opens (creating) a SQLite store at `path` with every domain migrated. */
export function openSqliteStore(path: string): SqliteStore {
  return new SqliteStore(openDb(path, SQLITE_DOMAINS), path);
}
