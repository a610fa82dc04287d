import type { NewSilence, Silence } from '../notify/types.js';
import type { Db, Migrations } from './db.js';

/**
 * Silences (maintenance windows) in SQLite, domain `silences`. Config silences from
 * thump.yaml are mirrored here at monitor start (origin `config`) so the API, the CLI and
 * the dashboard list one set; only `api` silences can be removed.
 */
export const silenceMigrations: Migrations = {
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

export interface SilenceRow {
  id: number;
  host_glob: string;
  starts_at: number;
  ends_at: number | null;
  cron: string | null;
  duration_ms: number | null;
  comment: string;
  created_by: string;
  created_at: number;
  origin: 'config' | 'api';
}

/** A `silences` row as a silence. */
export function fromRow(r: SilenceRow): Silence {
  const s: Silence = {
    id: r.id,
    hostGlob: r.host_glob,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
    origin: r.origin,
  };
  if (r.cron !== null) s.cron = r.cron;
  if (r.duration_ms !== null) s.durationMs = r.duration_ms;
  return s;
}

function insert(db: Db, s: NewSilence): Silence {
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

/**
 * Every silence, newest first. `activeOrPendingAt`: leave out one-off silences that ended
 * before that time (expired ones stay in the table for history until pruned).
 */
export function listSilences(db: Db, opts: { activeOrPendingAt?: number } = {}): Silence[] {
  const rows =
    opts.activeOrPendingAt === undefined
      ? db.prepare<[], SilenceRow>('SELECT * FROM silences ORDER BY id DESC').all()
      : db
          .prepare<[number], SilenceRow>(
            'SELECT * FROM silences WHERE ends_at IS NULL OR ends_at > ? ORDER BY id DESC',
          )
          .all(opts.activeOrPendingAt);
  return rows.map(fromRow);
}

/** One silence by id. */
export function getSilence(db: Db, id: number): Silence | undefined {
  const r = db.prepare<[number], SilenceRow>('SELECT * FROM silences WHERE id = ?').get(id);
  return r ? fromRow(r) : undefined;
}

/**
 * Stores a new silence, already checked by `validateSilence` (src/notify/silence-input.ts):
 * the store never sees unchecked input.
 */
export function addSilence(db: Db, s: NewSilence): Silence {
  return insert(db, s);
}

/**
 * Removes an API silence. `not-found` when no such id, `config` when it comes from
 * thump.yaml (edit the file instead; HTTP 409).
 */
export function removeSilence(
  db: Db,
  id: number,
): { removed: true } | { removed: false; reason: 'not-found' | 'config' } {
  const s = getSilence(db, id);
  if (!s) return { removed: false, reason: 'not-found' };
  if (s.origin === 'config') return { removed: false, reason: 'config' };
  db.prepare('DELETE FROM silences WHERE id = ?').run(id);
  return { removed: true };
}

/** Replaces every `config` silence with the given list (at monitor start), in one transaction. */
export function replaceConfigSilences(db: Db, validated: readonly NewSilence[]): Silence[] {
  return db.transaction(() => {
    db.prepare(`DELETE FROM silences WHERE origin = 'config'`).run();
    return validated.map((s) => insert(db, s));
  })();
}

/** Deletes one-off silences that ended more than `keepMs` ago. Returns how many. */
export function pruneSilences(db: Db, now: number, keepMs: number): number {
  return db.prepare('DELETE FROM silences WHERE ends_at IS NOT NULL AND ends_at < ?').run(now - keepMs)
    .changes;
}
