/**
 * Sweep persistence (migration domain `sweeps`): one row per run, one per host per run,
 * and `sweep_hosts` holding each agentless host's latest result and state (`up` after an
 * ok probe, `down` after a failed one) so the API/dashboard can list agentless hosts
 * beside agent hosts without scanning every run.
 */
import type { SweepErrorClass, SweepResult, SweepRun } from '../sweep/types.js';
import type { Db, Migrations } from './db.js';

export type { SweepResult, SweepRun } from '../sweep/types.js';

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

/** A sweep result as stored (both backends): ok fields or error fields, the others null. */
export interface ResultRow {
  target: string;
  host: string;
  status: string;
  at: number;
  duration_ms: number;
  uptime_seconds: number | null;
  booted_at: string | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  users: number | null;
  error_class: string | null;
  message: string | null;
}

/** An agentless host as the dashboard shows it: state from its latest sweep result. */
export interface SweepHostState {
  target: string;
  host: string;
  state: 'up' | 'down';
  /** When the host last changed between up and down (first sweep counts as a change). */
  stateSince: number;
  runId: string;
  /** Repeat interval of the run that produced `result` (`--every`), or null when one-off/unknown. */
  everyMs: number | null;
  result: SweepResult;
}

/** A result as a row (shared by both backends). */
export function toRow(r: SweepResult): ResultRow {
  const ok = r.status === 'ok';
  return {
    target: r.target,
    host: r.host,
    status: r.status,
    at: r.at,
    duration_ms: r.durationMs,
    uptime_seconds: ok ? r.uptimeSeconds : null,
    booted_at: ok ? r.bootedAt : null,
    load1: ok ? r.load1 : null,
    load5: ok ? r.load5 : null,
    load15: ok ? r.load15 : null,
    users: ok ? (r.users ?? null) : null,
    error_class: ok ? null : r.errorClass,
    message: ok ? null : r.message,
  };
}

/** A row as a result. */
export function fromRow(row: ResultRow): SweepResult {
  if (row.status === 'ok') {
    const r: SweepResult = {
      status: 'ok',
      target: row.target,
      host: row.host,
      at: row.at,
      durationMs: row.duration_ms,
      uptimeSeconds: row.uptime_seconds ?? 0,
      bootedAt: row.booted_at ?? '',
      load1: row.load1 ?? 0,
      load5: row.load5 ?? 0,
      load15: row.load15 ?? 0,
    };
    if (row.users !== null) r.users = row.users;
    return r;
  }
  return {
    status: 'error',
    target: row.target,
    host: row.host,
    at: row.at,
    durationMs: row.duration_ms,
    errorClass: (row.error_class ?? 'protocol') as SweepErrorClass,
    message: row.message ?? '',
  };
}

const COLS =
  'target, host, status, at, duration_ms, uptime_seconds, booted_at, load1, load5, load15, users, error_class, message';
const VALS =
  '@target, @host, @status, @at, @duration_ms, @uptime_seconds, @booted_at, @load1, @load5, @load15, @users, @error_class, @message';

/**
 * Writes one sweep run (round) into the store. Results are written as they arrive,
 * in small transactions, so a crashed sweep keeps what it had.
 */
export class SweepRecorder {
  private readonly insert;
  private readonly upsertHost;
  private readonly count;
  private ok = 0;
  private failed = 0;

  constructor(
    private readonly db: Db,
    readonly run: Pick<SweepRun, 'id' | 'startedAt' | 'total' | 'mode' | 'everyMs'>,
  ) {
    db.prepare(
      `INSERT INTO sweep_runs (id, started_at, finished_at, total, ok, failed, mode, every_ms)
       VALUES (?, ?, NULL, ?, 0, 0, ?, ?)
       ON CONFLICT(id) DO UPDATE SET total = excluded.total`,
    ).run(run.id, run.startedAt, run.total, run.mode, run.everyMs ?? null);
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO sweep_results (run_id, ${COLS}) VALUES (@run_id, ${VALS})`,
    );
    this.upsertHost = db.prepare(
      `INSERT INTO sweep_hosts (target, host, state, state_since, run_id, status, at, duration_ms, uptime_seconds,
         booted_at, load1, load5, load15, users, error_class, message)
       VALUES (@target, @host, @state, @at, @run_id, @status, @at, @duration_ms, @uptime_seconds, @booted_at,
         @load1, @load5, @load15, @users, @error_class, @message)
       ON CONFLICT(target) DO UPDATE SET host = excluded.host,
         state_since = CASE WHEN sweep_hosts.state = excluded.state THEN sweep_hosts.state_since ELSE excluded.at END,
         state = excluded.state, run_id = excluded.run_id, status = excluded.status, at = excluded.at,
         duration_ms = excluded.duration_ms, uptime_seconds = excluded.uptime_seconds, booted_at = excluded.booted_at,
         load1 = excluded.load1, load5 = excluded.load5, load15 = excluded.load15, users = excluded.users,
         error_class = excluded.error_class, message = excluded.message
       WHERE excluded.at >= sweep_hosts.at`,
    );
    this.count = db.prepare('UPDATE sweep_runs SET ok = ?, failed = ? WHERE id = ?');
  }

  /** Stores one host's result (once per host per run). */
  write(result: SweepResult): void {
    const row = { run_id: this.run.id, ...toRow(result) };
    if (result.status === 'ok') this.ok++;
    else this.failed++;
    this.db.transaction(() => {
      this.insert.run(row);
      this.upsertHost.run({ ...row, state: result.status === 'ok' ? 'up' : 'down' });
      this.count.run(this.ok, this.failed, this.run.id);
    })();
  }

  /** Marks the run finished. */
  finish(at: number): void {
    this.db
      .prepare('UPDATE sweep_runs SET finished_at = ?, ok = ?, failed = ? WHERE id = ?')
      .run(at, this.ok, this.failed, this.run.id);
  }
}

export interface RunRow {
  id: string;
  started_at: number;
  finished_at: number | null;
  total: number;
  ok: number;
  failed: number;
  mode: string;
  /** Absent in a database still at schema version 1. */
  every_ms?: number | null;
}

/** A `sweep_runs` row as a run. */
export function runFromRow(r: RunRow): SweepRun {
  const run: SweepRun = {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    total: r.total,
    ok: r.ok,
    failed: r.failed,
    mode: r.mode === 'redis' ? 'redis' : 'local',
  };
  if (r.every_ms !== undefined && r.every_ms !== null) run.everyMs = r.every_ms;
  return run;
}

/** Runs, newest first (`limit` default 100). */
export function listSweeps(db: Db, limit = 100): SweepRun[] {
  return db
    .prepare<[number], RunRow>('SELECT * FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT ?')
    .all(limit)
    .map(runFromRow);
}

/** One run by id, or undefined. */
export function getSweep(db: Db, id: string): SweepRun | undefined {
  const r = db.prepare<[string], RunRow>('SELECT * FROM sweep_runs WHERE id = ?').get(id);
  return r ? runFromRow(r) : undefined;
}

/** Every host's result in run `id`, in target order. */
export function sweepResults(db: Db, id: string): SweepResult[] {
  return db
    .prepare<[string], ResultRow>(`SELECT ${COLS} FROM sweep_results WHERE run_id = ? ORDER BY target`)
    .all(id)
    .map(fromRow);
}

/** Each agentless host's latest result and up/down state, in target order. */
export function latestSweepResults(db: Db): SweepHostState[] {
  type Row = ResultRow & { state: string; state_since: number; run_id: string; every_ms: number | null };
  const query = (everyMs: string) =>
    db
      .prepare<[], Row>(
        `SELECT ${COLS}, state, state_since, run_id, ${everyMs} AS every_ms FROM sweep_hosts ORDER BY target`,
      )
      .all();
  let rows: Row[];
  try {
    rows = query('(SELECT every_ms FROM sweep_runs WHERE sweep_runs.id = sweep_hosts.run_id)');
  } catch (err) {
    // A reader (the monitor) may see a database a sweep left at schema version 1.
    if (!/no such column/.test((err as Error).message)) throw err;
    rows = query('NULL');
  }
  return rows.map((row) => ({
    target: row.target,
    host: row.host,
    state: row.state === 'up' ? 'up' : 'down',
    stateSince: row.state_since,
    runId: row.run_id,
    everyMs: row.every_ms,
    result: fromRow(row),
  }));
}
