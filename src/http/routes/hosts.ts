import type { FastifyInstance } from 'fastify';
import { HOST_STATES, type HostState, type HostView } from '../../monitor/types.js';
import { globMatcher } from '../../util/glob.js';
import { LIMITS } from '../../util/limits.js';
import { HttpError } from '../http-error.js';
import { COMPACT_FIELDS, compactHost, eventJson, hostJson, type ListedHost } from '../json.js';
import { globParam, intParam, many, textParam } from '../params.js';
import { silenceLookup } from '../silence-lookup.js';
import { allHosts, findHost } from '../swept-hosts.js';
import type { AppContext } from './context.js';

type Query = Record<string, string | string[] | undefined>;

/** Compiles `?state=&id=&label=&q=` into one predicate on hosts. */
export function hostFilter(q: Query): (h: HostView) => boolean {
  const states = many(q, 'state');
  for (const s of states) {
    if (!(HOST_STATES as readonly string[]).includes(s) && s !== 'flapping')
      throw new HttpError(
        400,
        `unknown state ${JSON.stringify(s)}; expected one of ${HOST_STATES.join(', ')}, flapping`,
      );
  }
  const idGlob = globParam(q, 'id');
  const idMatch = idGlob !== undefined ? globMatcher(idGlob) : undefined;
  const labels = many(q, 'label').map((l) => {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    const value = eq < 0 ? undefined : l.slice(eq + 1);
    if (key.length > LIMITS.labelKeyLength || (value?.length ?? 0) > LIMITS.labelValueLength)
      throw new HttpError(
        400,
        `label: keys hold at most ${LIMITS.labelKeyLength} characters and values ${LIMITS.labelValueLength} (limits labelKeyLength, labelValueLength)`,
      );
    return { key, value };
  });
  const text = textParam(q, 'q', LIMITS.hostIdLength, 'hostIdLength')?.toLowerCase();
  return (h) => {
    if (states.length > 0 && !states.includes(h.state) && !(h.flapping && states.includes('flapping')))
      return false;
    if (idMatch && !idMatch(h.id)) return false;
    for (const { key, value } of labels) {
      const v = h.labels[key];
      if (v === undefined || (value !== undefined && v !== value)) return false;
    }
    if (text && !h.id.toLowerCase().includes(text) && !h.address.toLowerCase().includes(text)) return false;
    return true;
  };
}

/**
 * Host list and detail routes. Lists include agentless hosts a sweep recorded into this
 * store (`source: 'sweep'`, see swept-hosts.ts); an id known to the monitor keeps its
 * agent row. The store's small latest-sweep table is read once per request, never per beat.
 */
export function hostRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/hosts', async (req, reply) => {
    const q = req.query as Query;
    const match = hostFilter(q);
    const now = ctx.now();
    reply.header('x-server-time', String(now));
    const limit = intParam(q, 'limit', { min: 1, max: LIMITS.hostsPage, fallback: LIMITS.hostsPage });
    const offset = intParam(q, 'offset', { min: 0, max: LIMITS.offset, fallback: 0 });
    const hosts = (await allHosts(ctx.monitor.hosts(), ctx.store)).filter(match);
    hosts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const silencedBy = await silenceLookup(ctx.store, now);
    reply.header('x-total-count', String(hosts.length));
    if (offset + limit < hosts.length) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) {
        if (k === 'offset' || v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      }
      params.set('offset', String(offset + limit));
      reply.header('link', `</api/hosts?${params.toString()}>; rel="next"`);
    }
    return hosts.slice(offset, offset + limit).map((h) => hostJson(h, now, silencedBy(h.id)));
  });

  // The dashboard's bulk load: every host as a compact row (see CompactHost).
  app.get('/api/ui/hosts', async (_req, reply) => {
    const now = ctx.now();
    reply.header('x-server-time', String(now));
    const silencedBy = await silenceLookup(ctx.store, now);
    return {
      now,
      fields: COMPACT_FIELDS,
      rows: (await allHosts(ctx.monitor.hosts(), ctx.store)).map((h) => compactHost(h, silencedBy(h.id))),
    };
  });

  app.get('/api/hosts/:id', async (req) => {
    const { id } = req.params as { id: string };
    const h: ListedHost | undefined = await findHost(ctx.monitor.host(id), id, ctx.store);
    if (!h) throw new HttpError(404, `unknown host ${JSON.stringify(id.slice(0, 80))}`);
    const q = req.query as Query;
    const eventLimit = intParam(q, 'events', { min: 0, max: LIMITS.eventsPage, fallback: 50 });
    const now = ctx.now();
    const events = eventLimit > 0 ? await ctx.store.events.list({ limit: eventLimit, hostId: id }) : [];
    const arrivals = h.source === 'sweep' ? [] : ctx.beatHistory(id);
    return {
      ...hostJson(h, now, (await silenceLookup(ctx.store, now))(id)),
      events: events.map(eventJson),
      // Recent beat arrivals, oldest first, with the gap to the previous one and how much
      // later than the announced interval it came: what the host page charts.
      beats: arrivals.map((at, i) => {
        const gapMs = i === 0 ? null : at - (arrivals[i - 1] as number);
        return {
          at: new Date(at).toISOString(),
          gapMs,
          latenessMs: gapMs === null ? null : gapMs - h.intervalMs,
        };
      }),
    };
  });

  app.get('/api/summary', async () => {
    const hosts = await allHosts(ctx.monitor.hosts(), ctx.store);
    const byState: Record<HostState | 'flapping' | 'checksFailing', number> = {
      up: 0,
      down: 0,
      left: 0,
      flapping: 0,
      checksFailing: 0,
    };
    for (const h of hosts) {
      byState[h.state]++;
      if (h.flapping) byState.flapping++;
      if (h.checks.some((c) => c.severity >= 1)) byState.checksFailing++;
    }
    return { total: hosts.length, ...byState };
  });
}
