/**
 * Sweep runs, per-host results and each agentless host's latest state on SQLite. Results
 * are written as they arrive, each in its own small transaction, so a crashed sweep keeps
 * what it had; a run's ok/failed counts are recounted from its results at `finish()`.
 */
import { ResourceError } from '../../errors.js';
import type { WithoutCopy } from '../records.js';
import {
  type LatestSweepRow,
  RESULT_COLUMNS,
  type ResultRow,
  type RunRow,
  resultFromRow,
  resultToRow,
  resultUpdateSet,
  runFromRow,
  sweepHostStateFromRow,
} from '../sweep-rows.js';
import type { SweepStore } from '../types.js';
import type { Db } from './db.js';

const VALUES = RESULT_COLUMNS.split(', ')
  .map((c) => `@${c}`)
  .join(', ');

export function sqliteSweepStore(db: Db): WithoutCopy<SweepStore> {
  const beginRun = db.prepare(
    `INSERT INTO sweep_runs (id, started_at, finished_at, total, ok, failed, mode, every_ms)
     VALUES (?, ?, NULL, ?, 0, 0, ?, ?) ON CONFLICT(id) DO UPDATE SET total = excluded.total`,
  );
  const count = db.prepare('UPDATE sweep_runs SET ok = ok + ?, failed = failed + ? WHERE id = ?');
  const insertResult = db.prepare(
    `INSERT INTO sweep_results (run_id, ${RESULT_COLUMNS}) VALUES (@run_id, ${VALUES})
     ON CONFLICT (run_id, target) DO UPDATE SET ${resultUpdateSet('excluded')}`,
  );
  const upsertHost = db.prepare(
    `INSERT INTO sweep_hosts (state, state_since, run_id, ${RESULT_COLUMNS})
     VALUES (@state, @at, @run_id, ${VALUES})
     ON CONFLICT(target) DO UPDATE SET
       state_since = CASE WHEN sweep_hosts.state = excluded.state THEN sweep_hosts.state_since ELSE excluded.at END,
       state = excluded.state, run_id = excluded.run_id, ${resultUpdateSet('excluded')}
     WHERE excluded.at >= sweep_hosts.at`,
  );
  const finish = db.prepare(
    `UPDATE sweep_runs SET finished_at = @at,
       ok = (SELECT COUNT(*) FROM sweep_results WHERE run_id = @id AND status = 'ok'),
       failed = (SELECT COUNT(*) FROM sweep_results WHERE run_id = @id AND status <> 'ok')
     WHERE id = @id`,
  );
  const latest = db.prepare<[], LatestSweepRow>(
    `SELECT ${RESULT_COLUMNS}, state, state_since, run_id,
       (SELECT every_ms FROM sweep_runs WHERE sweep_runs.id = sweep_hosts.run_id) AS every_ms
     FROM sweep_hosts ORDER BY target`,
  );
  return {
    begin: async (run) => {
      beginRun.run(run.id, run.startedAt, run.total, run.mode, run.everyMs ?? null);
    },
    write: async (runId, result) => {
      const row = { run_id: runId, ...resultToRow(result) };
      const ok = result.status === 'ok' ? 1 : 0;
      db.transaction(() => {
        if (count.run(ok, 1 - ok, runId).changes === 0) {
          throw new ResourceError(`sweep run ${runId} does not exist; call begin() first`);
        }
        insertResult.run(row);
        upsertHost.run({ ...row, state: ok ? 'up' : 'down' });
      })();
    },
    finish: async (runId, at) => {
      finish.run({ id: runId, at });
    },
    list: async (limit = 100) =>
      db
        .prepare<[number], RunRow>('SELECT * FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT ?')
        .all(limit)
        .map(runFromRow),
    get: async (id) => {
      const r = db.prepare<[string], RunRow>('SELECT * FROM sweep_runs WHERE id = ?').get(id);
      return r ? runFromRow(r) : undefined;
    },
    results: async (id) =>
      db
        .prepare<[string], ResultRow>(
          `SELECT ${RESULT_COLUMNS} FROM sweep_results WHERE run_id = ? ORDER BY target`,
        )
        .all(id)
        .map(resultFromRow),
    latest: async () => latest.all().map(sweepHostStateFromRow),
  };
}
