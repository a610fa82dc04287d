import type { FastifyInstance } from 'fastify';
import type { NotifierStatus } from '../../notify/types.js';
import { HttpError } from '../http-error.js';
import { iso } from '../json.js';
import type { AppContext } from './context.js';

/** A notifier's delivery health with ISO times. Never includes its config (URLs, secrets). */
export function notifierJson(n: NotifierStatus) {
  return {
    name: n.name,
    type: n.type,
    state: n.state,
    sent: n.sent,
    failedAttempts: n.failedAttempts,
    lastSentAt: iso(n.lastSentAt),
    lastError: n.lastError ?? null,
    lastErrorAt: iso(n.lastErrorAt),
    failuresByReason: n.failuresByReason,
  };
}

/** `GET /api/notifiers` and `POST /api/notifiers/:name/test` (token). */
export function notifierRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/notifiers', async () => ({
    outboxDepth: ctx.notify?.outboxDepth() ?? 0,
    notifiers: (ctx.notify?.notifiers() ?? []).map(notifierJson),
  }));

  app.post('/api/notifiers/:name/test', { preHandler: ctx.auth }, async (req) => {
    const { name } = req.params as { name: string };
    const notify = ctx.notify;
    if (!notify?.notifiers().some((n) => n.name === name))
      throw new HttpError(404, `unknown notifier ${JSON.stringify(name.slice(0, 80))}`);
    try {
      await notify.test(name);
    } catch (err) {
      // The notifier's own error is already redacted (no URLs or tokens); pass its message on.
      throw new HttpError(502, `test notification through ${name} failed: ${(err as Error).message}`);
    }
    return { ok: true, notifier: name };
  });
}
