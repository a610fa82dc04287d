/**
 * The SQLite schema: one versioned migration list per domain (hosts and events, outbox,
 * silences, sweeps), run by `migrate` (db.ts). Step N runs once, in its own transaction,
 * when the domain's recorded version is below N+1; a newer schema is refused.
 */
import type { Migrations } from './db.js';

/**
 * Schema of the monitor's own tables (domain `core`): the event log and the known hosts.
 * The event log is the truth the dashboard, notifications and restarts read; the hosts
 * table is a snapshot of the registry, flushed in batches and rewritten for every host an
 * event is about in the event's own transaction (so a restart never re-announces it).
 */
const coreMigrations: Migrations = {
  domain: 'core',
  steps: [
    (db) => {
      db.exec(`
        CREATE TABLE events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          type TEXT NOT NULL,
          host_id TEXT NOT NULL,
          at INTEGER NOT NULL,
          details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_host ON events (host_id, id);
        CREATE INDEX events_at ON events (at);
        CREATE TABLE hosts (
          id TEXT PRIMARY KEY,
          state TEXT NOT NULL,
          source TEXT NOT NULL,
          address TEXT NOT NULL,
          first_seen_at INTEGER NOT NULL,
          last_beat_at INTEGER NOT NULL,
          state_since INTEGER NOT NULL,
          boot_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          sent_at INTEGER NOT NULL,
          interval_ms INTEGER NOT NULL,
          timeout_ms INTEGER NOT NULL,
          uptime_seconds REAL NOT NULL,
          load1 REAL NOT NULL,
          load5 REAL NOT NULL,
          load15 REAL NOT NULL,
          mem_total INTEGER NOT NULL,
          mem_available INTEGER NOT NULL,
          disk_total INTEGER NOT NULL,
          disk_used INTEGER NOT NULL,
          checks TEXT NOT NULL DEFAULT '[]',
          labels TEXT NOT NULL DEFAULT '{}',
          flapping INTEGER NOT NULL DEFAULT 0,
          flap_bits INTEGER NOT NULL DEFAULT 0
        );
      `);
    },
    // Idempotent transitions: a monitor taking over never records an event twice
    // (NULL keys are distinct, so events without one are never deduplicated).
    (db) => {
      db.exec(`
        ALTER TABLE events ADD COLUMN transition_key TEXT;
        CREATE UNIQUE INDEX events_transition ON events (transition_key);
      `);
    },
  ],
};

/**
 * The durable notification outbox (domain `notify-outbox`):
 * - `notify_outbox`: one row per (event, notifier, reminder number), inserted in the very
 *   transaction that records the event; UNIQUE so a replay can never queue it twice;
 * - `notify_batches`: a message formed from a group of rows; its rows, title and text are
 *   fixed when formed, so every retry (also after a crash) sends the same message with the
 *   same id;
 * - `notify_alerts`: problems a notifier was told about and not yet told are resolved
 *   ("resolved always follows a notified down", reminders);
 * - `notify_cursor`: the last event id handed to the outbox (catch-up after a crash).
 */
const outboxMigrations: Migrations = {
  domain: 'notify-outbox',
  steps: [
    (db) => {
      db.exec(`
        CREATE TABLE notify_outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id INTEGER NOT NULL,
          notifier TEXT NOT NULL,
          reminder INTEGER NOT NULL DEFAULT 0,
          event_json TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          ready_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'batched', 'sent', 'suppressed', 'failed')),
          reason TEXT,
          batch_id TEXT,
          UNIQUE (event_id, notifier, reminder)
        );
        CREATE INDEX notify_outbox_pending ON notify_outbox (notifier, state, ready_at);
        CREATE INDEX notify_outbox_batch ON notify_outbox (batch_id);
        CREATE TABLE notify_batches (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL,
          notifier TEXT NOT NULL,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          text TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          deadline_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
          last_error TEXT,
          sent_at INTEGER
        );
        CREATE INDEX notify_batches_queue ON notify_batches (notifier, state, seq);
        CREATE TABLE notify_alerts (
          notifier TEXT NOT NULL,
          host_id TEXT NOT NULL,
          key TEXT NOT NULL,
          event_id INTEGER NOT NULL,
          opened_at INTEGER NOT NULL,
          last_notified_at INTEGER NOT NULL,
          reminders INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (notifier, host_id, key)
        );
        CREATE TABLE notify_cursor (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          event_id INTEGER NOT NULL
        );
      `);
    },
    (db) => {
      // Every dispatcher step asks for "pending rows / queued batches / due alerts": partial
      // and plain indexes keep those O(log n) however much delivered history the table holds.
      db.exec(`
        CREATE INDEX notify_outbox_ready ON notify_outbox (notifier, ready_at) WHERE state = 'pending';
        CREATE INDEX notify_outbox_state ON notify_outbox (state);
        CREATE INDEX notify_batches_seq ON notify_batches (seq);
        CREATE INDEX notify_batches_due ON notify_batches (notifier, next_attempt_at) WHERE state = 'queued';
        CREATE INDEX notify_alerts_due ON notify_alerts (last_notified_at);
      `);
    },
  ],
};

/**
 * Silences (maintenance windows) in SQLite, domain `silences`. Config silences from
 * thump.yaml are mirrored here at monitor start (origin `config`) so the API, the CLI and
 * the dashboard list one set; only `api` silences can be removed.
 */
const silenceMigrations: Migrations = {
  domain: 'silences',
  steps: [
    (db) => {
      db.exec(`CREATE TABLE silences (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        host_glob TEXT NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER,
        cron TEXT,
        duration_ms INTEGER,
        comment TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('config', 'api'))
      )`);
    },
  ],
};

/**
 * Sweep persistence (domain `sweeps`): one row per run, one per host per run, and
 * `sweep_hosts` holding each agentless host's latest result and state (`up` after an ok
 * probe, `down` after a failed one), so agentless hosts list beside agent hosts without
 * scanning every run.
 */
export const sweepMigrations: Migrations = {
  domain: 'sweeps',
  steps: [
    (db) => {
      db.exec(`
        CREATE TABLE sweep_runs (
          id TEXT PRIMARY KEY,
          started_at INTEGER NOT NULL,
          finished_at INTEGER,
          total INTEGER NOT NULL,
          ok INTEGER NOT NULL DEFAULT 0,
          failed INTEGER NOT NULL DEFAULT 0,
          mode TEXT NOT NULL
        );
        CREATE INDEX sweep_runs_started ON sweep_runs (started_at);
        CREATE TABLE sweep_results (
          run_id TEXT NOT NULL REFERENCES sweep_runs (id) ON DELETE CASCADE,
          target TEXT NOT NULL,
          host TEXT NOT NULL,
          status TEXT NOT NULL,
          at INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          uptime_seconds REAL,
          booted_at TEXT,
          load1 REAL,
          load5 REAL,
          load15 REAL,
          users INTEGER,
          error_class TEXT,
          message TEXT,
          PRIMARY KEY (run_id, target)
        );
        CREATE TABLE sweep_hosts (
          target TEXT PRIMARY KEY,
          host TEXT NOT NULL,
          state TEXT NOT NULL,
          state_since INTEGER NOT NULL,
          run_id TEXT NOT NULL,
          status TEXT NOT NULL,
          at INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          uptime_seconds REAL,
          booted_at TEXT,
          load1 REAL,
          load5 REAL,
          load15 REAL,
          users INTEGER,
          error_class TEXT,
          message TEXT
        );
      `);
    },
    // The repeat interval of `--every` sweeps: swept hosts listed beside agent hosts show it.
    (db) => {
      db.exec('ALTER TABLE sweep_runs ADD COLUMN every_ms INTEGER');
    },
  ],
};

/** Every migration domain of a SQLite store, in order. */
export const SQLITE_DOMAINS: readonly Migrations[] = [
  coreMigrations,
  outboxMigrations,
  silenceMigrations,
  sweepMigrations,
];
