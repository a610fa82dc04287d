/** Sweep runs, results and each agentless host's latest state on PostgreSQL. */
import type { WithoutCopy } from '../records.js';
import {
  RESULT_COLUMNS as COLS,
  type LatestSweepRow,
  type ResultRow,
  type RunRow,
  resultFromRow,
  resultToRow,
  resultUpdateSet,
  runFromRow,
  sweepHostStateFromRow,
} from '../sweep-rows.js';
import type { SweepHostState, SweepStore } from '../types.js';
import type { PgDb } from './client.js';

export function pgSweepStore(db: PgDb): WithoutCopy<SweepStore> {
  return {
    begin: async (run) => {
      await db.query(
        `INSERT INTO sweep_runs (id, started_at, finished_at, total, ok, failed, mode, every_ms)
         VALUES ($1, $2, NULL, $3, 0, 0, $4, $5) ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total`,
        [run.id, run.startedAt, run.total, run.mode, run.everyMs ?? null],
      );
    },
    write: (runId, result) =>
      db.tx(undefined, async (c) => {
        const vals = Object.values(resultToRow(result)); // in RESULT_COLUMNS order
        await c.query(
          `INSERT INTO sweep_results (run_id, ${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (run_id, target) DO UPDATE SET ${resultUpdateSet('EXCLUDED')}`,
          [runId, ...vals],
        );
        await c.query(
          `INSERT INTO sweep_hosts (state, run_id, state_since, ${COLS})
           VALUES ($1, $2, $6, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (target) DO UPDATE SET
             state_since = CASE WHEN sweep_hosts.state = EXCLUDED.state THEN sweep_hosts.state_since ELSE EXCLUDED.at END,
             state = EXCLUDED.state, run_id = EXCLUDED.run_id, ${resultUpdateSet('EXCLUDED')}
           WHERE EXCLUDED.at >= sweep_hosts.at`,
          [result.status === 'ok' ? 'up' : 'down', runId, ...vals],
        );
        const ok = result.status === 'ok' ? 1 : 0;
        await c.query('UPDATE sweep_runs SET ok = ok + $1, failed = failed + $2 WHERE id = $3', [
          ok,
          1 - ok,
          runId,
        ]);
      }),
    finish: async (runId, at) => {
      await db.query(
        `UPDATE sweep_runs SET finished_at = $2,
           ok = (SELECT COUNT(*) FROM sweep_results WHERE run_id = $1 AND status = 'ok'),
           failed = (SELECT COUNT(*) FROM sweep_results WHERE run_id = $1 AND status <> 'ok')
         WHERE id = $1`,
        [runId, at],
      );
    },
    list: async (limit = 100) =>
      (
        await db.query<RunRow>('SELECT * FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT $1', [limit])
      ).map(runFromRow),
    get: async (id) => {
      const r = (await db.query<RunRow>('SELECT * FROM sweep_runs WHERE id = $1', [id]))[0];
      return r ? runFromRow(r) : undefined;
    },
    results: async (runId) =>
      (
        await db.query<ResultRow>(`SELECT ${COLS} FROM sweep_results WHERE run_id = $1 ORDER BY target`, [
          runId,
        ])
      ).map(resultFromRow),
    latest: async (): Promise<SweepHostState[]> => {
      const rows = await db.query<LatestSweepRow>(
        `SELECT ${COLS}, state, state_since, run_id,
           (SELECT every_ms FROM sweep_runs WHERE sweep_runs.id = sweep_hosts.run_id) AS every_ms
         FROM sweep_hosts ORDER BY target`,
      );
      return rows.map(sweepHostStateFromRow);
    },
  };
}
