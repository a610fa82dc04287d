/**
 * The SQLite backend: one file in WAL mode (src/store/db.ts), the SQL of the per-domain
 * modules (src/store/{events,hosts,outbox,silences,sweeps}.ts) behind the async
 * {@link Store} interface. Synchronous underneath (better-sqlite3): every method runs its
 * transaction at once and resolves. One monitor owns the file, so the lease is trivial.
 */

import { resolve } from 'node:path';
import { ResourceError } from '../../errors.js';
import type { HostEvent } from '../../monitor/types.js';
import type { Silence } from '../../notify/types.js';
import type { SweepResult } from '../../sweep/types.js';
import { type Db, type Migrations, openDb } from '../db.js';
import { coreMigrations, lastEventId, listEvents, recordEvents } from '../events.js';
import { loadHosts, type StoredHost, upsertHosts } from '../hosts.js';
import { outboxMigrations } from '../outbox.js';
import { getSilence, listSilences, pruneSilences, silenceMigrations } from '../silences.js';
import {
  getSweep,
  latestSweepResults,
  listSweeps,
  SweepRecorder,
  sweepMigrations,
  sweepResults,
} from '../sweeps.js';
import type {
  EventStore,
  EventsRecordedHook,
  Fence,
  HostStore,
  LeaseState,
  LeaseStore,
  ListEventsQuery,
  MonitorLiveness,
  MonitorRowsStore,
  NewStoreEvent,
  RemoveSilenceResult,
  SilenceStore,
  Store,
  Suspect,
  SweepRunStart,
  SweepStore,
} from '../types.js';
import {
  sqliteEventCopy,
  sqliteHostCopy,
  sqliteSilenceCopy,
  sqliteSweepCopy,
  truncateSqlite,
} from './copy.js';
import { checkFence, SQLITE_EPOCH } from './fence.js';
import { enqueueRows, SqliteOutbox } from './outbox.js';

/** Every migration domain of a SQLite store, in order. */
export const SQLITE_DOMAINS: readonly Migrations[] = [
  coreMigrations,
  outboxMigrations,
  silenceMigrations,
  sweepMigrations,
];

function insertSilence(db: Db, s: Omit<Silence, 'id'>): Silence {
  const info = db
    .prepare(
      `INSERT INTO silences (host_glob, starts_at, ends_at, cron, duration_ms, comment, created_by, created_at, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      s.hostGlob,
      s.startsAt,
      s.endsAt,
      s.cron ?? null,
      s.durationMs ?? null,
      s.comment,
      s.createdBy,
      s.createdAt,
      s.origin,
    );
  return { ...s, id: Number(info.lastInsertRowid) };
}

/** Event watchers per resolved SQLite file, in this process (one monitor owns a file). */
const watchers = new Map<string, Set<(lastId: number) => void>>();
let memoryDbs = 0;

/** A {@link Store} on one SQLite file. `db` is the raw handle for today's synchronous callers. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly outbox: SqliteOutbox;
  readonly hosts: HostStore;
  readonly events: EventStore;
  readonly silences: SilenceStore;
  readonly sweeps: SweepStore;
  readonly lease: LeaseStore;
  readonly monitors: MonitorRowsStore;
  private readonly hooks = new Set<EventsRecordedHook>();
  private readonly recorders = new Map<string, SweepRecorder>();
  /** The resolved file, the key of this process's watchers of it. */
  private readonly file: string;

  constructor(
    readonly db: Db,
    readonly target: string,
  ) {
    this.file = target === ':memory:' ? `:memory:${++memoryDbs}` : resolve(target);
    this.outbox = new SqliteOutbox(db);
    this.hosts = this.hostStore();
    this.events = this.eventStore();
    this.silences = this.silenceStore();
    this.sweeps = this.sweepStore();
    this.lease = trivialLease();
    this.monitors = memoryMonitorRows();
  }

  /** Runs `fn` in one transaction after checking `fence`; resolves with its result. */
  private tx<T>(fence: Fence | undefined, fn: () => T): Promise<T> {
    return Promise.resolve().then(() =>
      this.db.transaction(() => {
        checkFence(fence);
        return fn();
      })(),
    );
  }

  /** {@link tx} for event writes: after commit, tells this file's watchers the newest id. */
  private async txThenNotify(fence: Fence | undefined, fn: () => HostEvent[]): Promise<HostEvent[]> {
    const recorded = await this.tx(fence, fn);
    const last = recorded[recorded.length - 1]?.id;
    if (last !== undefined) {
      for (const w of watchers.get(this.file) ?? []) {
        try {
          w(last);
        } catch {
          // a watcher's own failure is its business; the write is committed
        }
      }
    }
    return recorded;
  }

  private hostStore(): HostStore {
    return {
      ...sqliteHostCopy(this.db),
      save: (hosts, fence) => this.tx(fence, () => upsertHosts(this.db, hosts)),
      load: async () => loadHosts(this.db),
      remove: (id, fence) =>
        this.tx(fence, () => this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0),
    };
  }

  private eventStore(): EventStore {
    const { db, hooks } = this;
    const sql = this.outbox.sql;
    return {
      ...sqliteEventCopy(db),
      record: (
        events: readonly NewStoreEvent[],
        opts: { hosts?: readonly StoredHost[]; fence?: Fence } = {},
      ) =>
        this.txThenNotify(opts.fence, () =>
          recordEvents(db, events, (tx, recorded: HostEvent[]) => {
            if (opts.hosts !== undefined && opts.hosts.length > 0) upsertHosts(tx, opts.hosts);
            if (hooks.size === 0 || recorded.length === 0) return;
            for (const h of hooks) enqueueRows(sql, h(recorded));
            sql.setCursor(recorded[recorded.length - 1]?.id ?? 0);
          }),
        ),
      watch: async (listener) => {
        let set = watchers.get(this.file);
        if (!set) {
          set = new Set();
          watchers.set(this.file, set);
        }
        set.add(listener);
        return async () => {
          set.delete(listener);
        };
      },
      onRecorded: (hook) => {
        hooks.add(hook);
        return () => {
          hooks.delete(hook);
        };
      },
      list: async (q: ListEventsQuery = {}) => listEvents(db, q),
      lastId: async () => lastEventId(db),
    };
  }

  private silenceStore(): SilenceStore {
    const { db } = this;
    return {
      ...sqliteSilenceCopy(db),
      list: async (opts = {}) => listSilences(db, opts),
      get: async (id) => getSilence(db, id),
      add: (s, fence) => this.tx(fence, () => insertSilence(db, s)),
      remove: (id, fence) =>
        this.tx(fence, (): RemoveSilenceResult => {
          const s = getSilence(db, id);
          if (!s) return { removed: false, reason: 'not-found' };
          if (s.origin === 'config') return { removed: false, reason: 'config' };
          db.prepare('DELETE FROM silences WHERE id = ?').run(id);
          return { removed: true };
        }),
      replaceConfig: (silences, fence) =>
        this.tx(fence, () => {
          db.prepare(`DELETE FROM silences WHERE origin = 'config'`).run();
          return silences.map((s) => insertSilence(db, s));
        }),
      prune: (now, keepMs, fence) => this.tx(fence, () => pruneSilences(db, now, keepMs)),
    };
  }

  private sweepStore(): SweepStore {
    const { db, recorders } = this;
    // A run begun by another process (or store handle) gets a recorder on first write; its
    // ok/failed counts are recounted from the results at finish().
    const recorder = (runId: string): SweepRecorder => {
      let r = recorders.get(runId);
      if (r) return r;
      const run = getSweep(db, runId);
      if (!run) throw new ResourceError(`sweep run ${runId} does not exist; call begin() first`);
      r = new SweepRecorder(db, run);
      recorders.set(runId, r);
      return r;
    };
    return {
      ...sqliteSweepCopy(db),
      begin: async (run: SweepRunStart) => {
        recorders.set(run.id, new SweepRecorder(db, run));
      },
      write: async (runId: string, result: SweepResult) => recorder(runId).write(result),
      finish: async (runId, at) => {
        recorder(runId).finish(at);
        recorders.delete(runId);
        // Counted from the results, as on PostgreSQL (a result written twice counts once).
        db.prepare(
          `UPDATE sweep_runs SET ok = (SELECT COUNT(*) FROM sweep_results WHERE run_id = @id AND status = 'ok'),
             failed = (SELECT COUNT(*) FROM sweep_results WHERE run_id = @id AND status <> 'ok') WHERE id = @id`,
        ).run({ id: runId });
      },
      list: async (limit = 100) => listSweeps(db, limit),
      get: async (id) => getSweep(db, id),
      results: async (id) => sweepResults(db, id),
      latest: async () => latestSweepResults(db),
    };
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
