/**
 * PostgreSQL schema, per migration domain like SQLite's (`schema_versions` keeps one
 * version per domain; each step runs once, in its own transaction; a newer schema is
 * refused). Choices (docs/store.md): times are BIGINT ms since the epoch (as SQLite and the
 * code, no time zone conversions); ids are identity columns; details/checks/labels are
 * JSONB, the outbox's event copy is JSON (its text is kept as written); text keys use
 * `COLLATE "C"` so every listing sorts as SQLite's binary order does.
 */
import type pg from 'pg';
import { ResourceError } from '../../errors.js';

/** One domain's steps; step N runs when the recorded version is below N+1. */
export interface PgMigrations {
  domain: string;
  steps: readonly string[];
}

const core: PgMigrations = {
  domain: 'core',
  steps: [
    `CREATE TABLE events (
       id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       type TEXT NOT NULL,
       host_id TEXT COLLATE "C" NOT NULL,
       at BIGINT NOT NULL,
       details JSONB NOT NULL DEFAULT '{}',
       transition_key TEXT UNIQUE
     );
     CREATE INDEX events_host ON events (host_id, id);
     CREATE INDEX events_at ON events (at);
     CREATE TABLE hosts (
       id TEXT COLLATE "C" PRIMARY KEY,
       state TEXT NOT NULL,
       source TEXT NOT NULL,
       address TEXT NOT NULL,
       first_seen_at BIGINT NOT NULL,
       last_beat_at BIGINT NOT NULL,
       state_since BIGINT NOT NULL,
       boot_id TEXT NOT NULL,
       seq BIGINT NOT NULL,
       sent_at BIGINT NOT NULL,
       interval_ms BIGINT NOT NULL,
       timeout_ms BIGINT NOT NULL,
       uptime_seconds DOUBLE PRECISION NOT NULL,
       load1 DOUBLE PRECISION NOT NULL,
       load5 DOUBLE PRECISION NOT NULL,
       load15 DOUBLE PRECISION NOT NULL,
       mem_total BIGINT NOT NULL,
       mem_available BIGINT NOT NULL,
       disk_total BIGINT NOT NULL,
       disk_used BIGINT NOT NULL,
       checks JSONB NOT NULL DEFAULT '[]',
       labels JSONB NOT NULL DEFAULT '{}',
       flapping BOOLEAN NOT NULL DEFAULT false,
       flap_bits BIGINT NOT NULL DEFAULT 0
     );`,
  ],
};

const outbox: PgMigrations = {
  domain: 'notify-outbox',
  steps: [
    `CREATE TABLE notify_outbox (
       id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       event_id BIGINT NOT NULL,
       notifier TEXT COLLATE "C" NOT NULL,
       reminder INTEGER NOT NULL DEFAULT 0,
       event_json JSON NOT NULL,
       created_at BIGINT NOT NULL,
       ready_at BIGINT NOT NULL,
       state TEXT NOT NULL DEFAULT 'pending'
         CHECK (state IN ('pending', 'batched', 'sent', 'suppressed', 'failed')),
       reason TEXT,
       batch_id TEXT,
       UNIQUE (event_id, notifier, reminder)
     );
     CREATE INDEX notify_outbox_ready ON notify_outbox (notifier, ready_at) WHERE state = 'pending';
     CREATE INDEX notify_outbox_batch ON notify_outbox (batch_id);
     CREATE INDEX notify_outbox_state ON notify_outbox (state);
     CREATE SEQUENCE notify_batch_seq;
     CREATE TABLE notify_batches (
       id TEXT PRIMARY KEY,
       seq BIGINT NOT NULL,
       notifier TEXT COLLATE "C" NOT NULL,
       kind TEXT NOT NULL,
       title TEXT NOT NULL,
       text TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       deadline_at BIGINT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       next_attempt_at BIGINT NOT NULL,
       state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
       last_error TEXT,
       sent_at BIGINT
     );
     CREATE INDEX notify_batches_seq ON notify_batches (seq);
     CREATE INDEX notify_batches_due ON notify_batches (notifier, seq) WHERE state = 'queued';
     CREATE TABLE notify_alerts (
       notifier TEXT COLLATE "C" NOT NULL,
       host_id TEXT COLLATE "C" NOT NULL,
       key TEXT COLLATE "C" NOT NULL,
       event_id BIGINT NOT NULL,
       opened_at BIGINT NOT NULL,
       last_notified_at BIGINT NOT NULL,
       reminders INTEGER NOT NULL DEFAULT 0,
       PRIMARY KEY (notifier, host_id, key)
     );
     CREATE INDEX notify_alerts_due ON notify_alerts (last_notified_at);
     CREATE TABLE notify_cursor (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       event_id BIGINT NOT NULL
     );`,
  ],
};

const silences: PgMigrations = {
  domain: 'silences',
  steps: [
    `CREATE TABLE silences (
       id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       host_glob TEXT NOT NULL,
       starts_at BIGINT NOT NULL,
       ends_at BIGINT,
       cron TEXT,
       duration_ms BIGINT,
       comment TEXT NOT NULL DEFAULT '',
       created_by TEXT NOT NULL DEFAULT '',
       created_at BIGINT NOT NULL,
       origin TEXT NOT NULL CHECK (origin IN ('config', 'api'))
     );`,
  ],
};

const sweeps: PgMigrations = {
  domain: 'sweeps',
  steps: [
    `CREATE TABLE sweep_runs (
       id TEXT COLLATE "C" PRIMARY KEY,
       started_at BIGINT NOT NULL,
       finished_at BIGINT,
       total INTEGER NOT NULL,
       ok INTEGER NOT NULL DEFAULT 0,
       failed INTEGER NOT NULL DEFAULT 0,
       mode TEXT NOT NULL,
       every_ms BIGINT
     );
     CREATE INDEX sweep_runs_started ON sweep_runs (started_at);
     CREATE TABLE sweep_results (
       run_id TEXT COLLATE "C" NOT NULL REFERENCES sweep_runs (id) ON DELETE CASCADE,
       target TEXT COLLATE "C" NOT NULL,
       host TEXT NOT NULL,
       status TEXT NOT NULL,
       at BIGINT NOT NULL,
       duration_ms BIGINT NOT NULL,
       uptime_seconds DOUBLE PRECISION,
       booted_at TEXT,
       load1 DOUBLE PRECISION,
       load5 DOUBLE PRECISION,
       load15 DOUBLE PRECISION,
       users INTEGER,
       error_class TEXT,
       message TEXT,
       PRIMARY KEY (run_id, target)
     );
     CREATE TABLE sweep_hosts (
       target TEXT COLLATE "C" PRIMARY KEY,
       host TEXT NOT NULL,
       state TEXT NOT NULL,
       state_since BIGINT NOT NULL,
       run_id TEXT NOT NULL,
       status TEXT NOT NULL,
       at BIGINT NOT NULL,
       duration_ms BIGINT NOT NULL,
       uptime_seconds DOUBLE PRECISION,
       booted_at TEXT,
       load1 DOUBLE PRECISION,
       load5 DOUBLE PRECISION,
       load15 DOUBLE PRECISION,
       users INTEGER,
       error_class TEXT,
       message TEXT
     );`,
  ],
};

/**
 * High availability (issue 12): the one lease row (holder, epoch, expires_at) that makes a
 * monitor active, each monitor's liveness row, and its suspects (hosts it has not heard
 * past their deadline), so the active one declares `down` only when every live monitor agrees.
 */
const ha: PgMigrations = {
  domain: 'ha',
  steps: [
    `CREATE TABLE ha_lease (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       holder TEXT NOT NULL,
       epoch BIGINT NOT NULL,
       expires_at BIGINT NOT NULL,
       acquired_at BIGINT NOT NULL
     );
     CREATE TABLE ha_monitors (
       monitor_id TEXT COLLATE "C" PRIMARY KEY,
       seen_at BIGINT NOT NULL,
       info JSONB NOT NULL DEFAULT '{}'
     );
     CREATE TABLE ha_suspects (
       host_id TEXT COLLATE "C" NOT NULL,
       monitor_id TEXT COLLATE "C" NOT NULL,
       since BIGINT NOT NULL,
       PRIMARY KEY (host_id, monitor_id)
     );
     CREATE INDEX ha_suspects_monitor ON ha_suspects (monitor_id);`,
  ],
};

/** Every domain of a PostgreSQL store, in order. */
export const PG_DOMAINS: readonly PgMigrations[] = [core, outbox, silences, sweeps, ha];

/** Any fixed key: every thump migrating this database at once takes turns on it. */
const MIGRATE_LOCK = 0x7468756d; // "thum"

/**
 * Brings every domain up to date on one connection, holding an advisory lock so two
 * monitors starting together do not both migrate. Throws a {@link ResourceError} for a
 * schema newer than this thump, or naming the domain and step that failed.
 */
export async function migratePg(
  c: pg.PoolClient,
  domains: readonly PgMigrations[],
  display: string,
): Promise<void> {
  await c.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    );
    for (const { domain, steps } of domains) {
      const rows = (
        await c.query<{ version: number }>('SELECT version FROM schema_versions WHERE domain = $1', [domain])
      ).rows;
      const current = rows[0]?.version ?? 0;
      if (current > steps.length) {
        throw new ResourceError(
          `database schema for "${domain}" is version ${current}, newer than this thump knows (${steps.length}); upgrade thump or use another --db (${display})`,
        );
      }
      for (let v = current; v < steps.length; v++) {
        try {
          await c.query('BEGIN');
          await c.query(steps[v] as string);
          await c.query(
            `INSERT INTO schema_versions (domain, version) VALUES ($1, $2)
             ON CONFLICT (domain) DO UPDATE SET version = EXCLUDED.version`,
            [domain, v + 1],
          );
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {});
          throw new ResourceError(
            `PostgreSQL ${display}: migrating "${domain}" to version ${v + 1} failed: ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
    }
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => {});
  }
}
