import type { FastifyInstance } from 'fastify';
import type { SweepResult, SweepRun } from '../../sweep/types.js';
import { LIMITS } from '../../util/limits.js';
import { HttpError } from '../http-error.js';
import { iso } from '../json.js';
import { intParam } from '../params.js';
import type { AppContext } from './context.js';

/** A sweep run with ISO times. */
export function sweepRunJson(r: SweepRun) {
  return { ...r, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };
}

/** One host's sweep result with an ISO time. */
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
    return (await ctx.store.sweeps.list(limit)).map(sweepRunJson);
  });

  app.get('/api/sweeps/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string>;
    const limit = intParam(q, 'limit', { min: 1, max: LIMITS.hostsPage, fallback: LIMITS.hostsPage });
    const offset = intParam(q, 'offset', { min: 0, max: LIMITS.offset, fallback: 0 });
    const run = await ctx.store.sweeps.get(id);
    if (!run) throw new HttpError(404, `unknown sweep run ${JSON.stringify(id.slice(0, 80))}`);
    const results = await ctx.store.sweeps.results(id);
    reply.header('x-total-count', String(results.length));
    return { ...sweepRunJson(run), results: results.slice(offset, offset + limit).map(sweepResultJson) };
  });

  app.get('/api/sweep-hosts', async () =>
    (await ctx.store.sweeps.latest()).map((h) => ({
      target: h.target,
      host: h.host,
      state: h.state,
      stateSince: iso(h.stateSince),
      runId: h.runId,
      result: sweepResultJson(h.result),
    })),
  );
}
