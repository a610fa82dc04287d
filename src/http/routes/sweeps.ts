import type { FastifyInstance } from 'fastify';
import type { Db } from '../../store/db.js';
import { getSweep, latestSweepResults, listSweeps, sweepResults } from '../../store/sweeps.js';
import type { SweepResult, SweepRun } from '../../sweep/types.js';
import { LIMITS } from '../../util/limits.js';
import { HttpError } from '../http-error.js';
import { iso } from '../json.js';
import { intParam } from '../params.js';
import type { AppContext } from './context.js';

/**
 * Runs a store read that needs the `sweeps` tables; a monitor whose db never held a sweep
 * (tables absent) simply has none.
 */
export function readSweeps<T>(read: () => T, empty: T): T {
  try {
    return read();
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return empty;
    throw err;
  }
}

export function sweepRunJson(r: SweepRun) {
  return { ...r, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };
}

export function sweepResultJson(r: SweepResult) {
  return { ...r, at: iso(r.at) };
}

/** `GET /api/sweeps`, `GET /api/sweeps/:id` (run + per-host results), `GET /api/sweep-hosts`. */
export function sweepRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/sweeps', async (req) => {
    const limit = intParam(req.query as Record<string, string>, 'limit', {
      min: 1,
      max: LIMITS.sweepsPage,
      fallback: 50,
    });
    return readSweeps(() => listSweeps(ctx.db, limit), []).map(sweepRunJson);
  });

  app.get('/api/sweeps/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string>;
    const limit = intParam(q, 'limit', { min: 1, max: LIMITS.hostsPage, fallback: LIMITS.hostsPage });
    const offset = intParam(q, 'offset', { min: 0, max: LIMITS.offset, fallback: 0 });
    const run = readSweeps(() => getSweep(ctx.db, id), undefined);
    if (!run) throw new HttpError(404, `unknown sweep run ${JSON.stringify(id.slice(0, 80))}`);
    const results = readSweeps(() => sweepResults(ctx.db, id), []);
    reply.header('x-total-count', String(results.length));
    return { ...sweepRunJson(run), results: results.slice(offset, offset + limit).map(sweepResultJson) };
  });

  app.get('/api/sweep-hosts', async () =>
    readSweeps(() => latestSweepResults(ctx.db), []).map((h) => ({
      target: h.target,
      host: h.host,
      state: h.state,
      stateSince: iso(h.stateSince),
      runId: h.runId,
      result: sweepResultJson(h.result),
    })),
  );
}

/** The latest finished run's numbers for /metrics, or undefined when there is none. */
export function lastSweepSummary(
  db: Db,
): { byClass: Record<string, number>; durationSeconds: number; finishedAt: number } | undefined {
  const run = readSweeps(() => listSweeps(db, 5), []).find((r) => r.finishedAt !== null);
  if (!run || run.finishedAt === null) return undefined;
  const byClass: Record<string, number> = {};
  for (const r of readSweeps(() => sweepResults(db, run.id), [])) {
    const cls = r.status === 'ok' ? 'ok' : r.errorClass;
    byClass[cls] = (byClass[cls] ?? 0) + 1;
  }
  return { byClass, durationSeconds: (run.finishedAt - run.startedAt) / 1000, finishedAt: run.finishedAt };
}
