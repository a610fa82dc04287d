import type { FastifyInstance } from 'fastify';
import { parseSilenceRequest, validateSilence } from '../../notify/silence-input.js';
import { silenceState } from '../../notify/silences.js';
import type { Silence } from '../../notify/types.js';
import { LIMITS } from '../../util/limits.js';
import { HttpError } from '../http-error.js';
import { iso } from '../json.js';
import { intParam, one } from '../params.js';
import type { AppContext } from './context.js';

/** A silence as the API shows it: ISO times and its state now. */
export function silenceJson(s: Silence, now: number) {
  return {
    id: s.id,
    hostGlob: s.hostGlob,
    state: silenceState(s, now),
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    ...(s.cron !== undefined ? { cron: s.cron, durationMs: s.durationMs ?? null } : {}),
    comment: s.comment,
    createdBy: s.createdBy,
    createdAt: iso(s.createdAt),
    origin: s.origin,
  };
}

function idParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw))
    throw new HttpError(
      400,
      `silence id must be a positive integer, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return Number(raw);
}

/**
 * Silences: `GET /api/silences` (active and pending; `?all=1` adds expired ones),
 * `GET /api/silences/:id`, `POST /api/silences` and `DELETE /api/silences/:id` (token).
 */
/**
 * The fence for a shared write from the API: only the active monitor writes shared rows,
 * so a standby refuses with 503 naming the leader (the client retries there; forwarding was
 * not chosen: it would need the leader's address and token and hide which monitor wrote).
 */
function activeFence(ctx: AppContext): { epoch: number } | undefined {
  const ha = ctx.monitor.ha?.();
  if (!ha) return undefined;
  if (ha.fence) return ha.fence;
  const leader = ha.leader !== '' && ha.leader !== ha.monitorId ? `"${ha.leader}"` : 'none right now';
  throw new HttpError(
    503,
    `this monitor (${ha.monitorId}) is a standby and does not write shared rows; send the request to the active monitor (leader: ${leader})`,
  );
}

export function silenceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/silences', async (req, reply) => {
    const now = ctx.now();
    const q = req.query as Record<string, string>;
    const all = ['1', 'true', 'yes'].includes(one(q, 'all') ?? '');
    const limit = intParam(q, 'limit', { min: 1, max: LIMITS.silencesPage, fallback: LIMITS.silencesPage });
    const list = await ctx.store.silences.list(all ? {} : { activeOrPendingAt: now });
    reply.header('x-total-count', String(list.length));
    return list.slice(0, limit).map((s) => silenceJson(s, now));
  });

  app.get('/api/silences/:id', async (req) => {
    const id = idParam((req.params as { id: string }).id);
    const s = await ctx.store.silences.get(id);
    if (!s) throw new HttpError(404, `unknown silence ${id}`);
    return silenceJson(s, ctx.now());
  });

  app.post('/api/silences', { preHandler: ctx.auth }, async (req, reply) => {
    const fence = activeFence(ctx);
    const now = ctx.now();
    const input = parseSilenceRequest(req.body, now);
    if (input.createdBy === undefined) input.createdBy = 'api';
    // Validated once, by the input's schema, before the store is called.
    const valid = validateSilence(input, now, 'api');
    const current = (await ctx.store.silences.list({ activeOrPendingAt: now })).length;
    if (current >= LIMITS.activeSilences)
      throw new HttpError(
        400,
        `there are already ${current} active or pending silences; at most ${LIMITS.activeSilences} are allowed (limit activeSilences): remove some first`,
      );
    const s = await ctx.store.silences.add(valid, fence);
    ctx.logger?.info({ silence: s.id, hostGlob: s.hostGlob }, 'silence added through the API');
    reply.code(201).header('location', `/api/silences/${s.id}`);
    return silenceJson(s, now);
  });

  app.delete('/api/silences/:id', { preHandler: ctx.auth }, async (req, reply) => {
    const id = idParam((req.params as { id: string }).id);
    const fence = activeFence(ctx);
    const r = await ctx.store.silences.remove(id, fence);
    if (!r.removed) {
      if (r.reason === 'config')
        throw new HttpError(409, `silence ${id} comes from the config file; remove it there and restart`);
      throw new HttpError(404, `unknown silence ${id}`);
    }
    ctx.logger?.info({ silence: id }, 'silence removed through the API');
    reply.code(204);
    return reply.send();
  });
}
