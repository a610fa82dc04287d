import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { cursorParam, timeParam } from '../params.js';
import type { AppContext } from './context.js';

/**
 * `GET /api/stream`: Server-Sent Events (see LiveHub for the messages). Resumes after the
 * `Last-Event-ID` header, or `?lastEventId=` for the first connection of a page that has
 * just loaded a snapshot; `?beatsSince=<ms>` (the snapshot's `now`) also sends the beats
 * that arrived after that snapshot.
 */
export function streamRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/stream', async (req, reply) => {
    const header = req.headers['last-event-id'];
    const fromHeader = Array.isArray(header) ? header[header.length - 1] : header;
    const q = { ...(req.query as Record<string, string | undefined>) };
    if (fromHeader !== undefined && fromHeader !== '') q.lastEventId = fromHeader;
    let afterId: number | undefined;
    try {
      afterId = cursorParam(q, 'lastEventId');
    } catch {
      throw new HttpError(400, 'bad Last-Event-ID: expected an event id from this stream');
    }
    const beatsSince = timeParam(req.query as Record<string, string>, 'beatsSince');
    const max = ctx.limits.sseMaxClients;
    if (ctx.hub.clientCount >= max) {
      reply.header('retry-after', '10');
      throw new HttpError(
        429,
        `too many live-stream clients (http.sse_max_clients = ${max}); close another dashboard tab or raise the limit`,
      );
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tell nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    req.raw.socket.setNoDelay(true);
    // The stream is busy by design (pings every sse_heartbeat): exempt it from the idle timeout.
    req.raw.socket.setTimeout(0);
    await ctx.hub.add(res, ctx.store.events, afterId, beatsSince);
  });
}
