import type { FastifyInstance } from 'fastify';
import { EVENT_TYPES, type EventType, type HostEvent } from '../../monitor/types.js';
import { LIMITS } from '../../util/limits.js';
import { HttpError } from '../http-error.js';
import { eventJson } from '../json.js';
import { cursorOf, cursorParam, intParam, many, textParam, timeParam } from '../params.js';
import type { AppContext } from './context.js';

type Query = Record<string, string | string[] | undefined>;

/**
 * `GET /api/events`: newest first, a JSON array. Paging: `before` (cursor from the
 * `Link: rel="next"` header or an event id) walks back in time; `after` returns newer
 * events; `since` (inclusive) / `until` (exclusive) bound by time (ISO 8601 or ms); `host`, `type` filter.
 */
export function eventRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/events', async (req, reply) => {
    const q = req.query as Query;
    const limit = intParam(q, 'limit', { min: 1, max: LIMITS.eventsPage, fallback: 100 });
    const beforeId = cursorParam(q, 'before') ?? cursorParam(q, 'cursor');
    const afterId = cursorParam(q, 'after');
    const since = timeParam(q, 'since');
    const until = timeParam(q, 'until');
    const hostId = textParam(q, 'host', LIMITS.hostIdLength, 'hostIdLength');
    const types = many(q, 'type');
    for (const t of types) {
      if (!(EVENT_TYPES as readonly string[]).includes(t))
        throw new HttpError(
          400,
          `unknown event type ${JSON.stringify(t)}; expected one of ${EVENT_TYPES.join(', ')}`,
        );
    }
    const base = {
      ...(hostId ? { hostId } : {}),
      ...(types.length ? { types: types as EventType[] } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
    };
    const out = await ctx.store.events.list({
      ...base,
      limit,
      ...(beforeId !== undefined ? { beforeId } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
    });
    if (out.length === limit) {
      const last = out[out.length - 1] as HostEvent;
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) {
        if (k === 'before' || k === 'cursor' || v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      }
      params.set('before', cursorOf(last.id));
      reply.header('link', `</api/events?${params.toString()}>; rel="next"`);
      reply.header('x-next-cursor', cursorOf(last.id));
    }
    return out.map(eventJson);
  });
}
