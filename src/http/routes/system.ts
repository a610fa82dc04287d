import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../../store/index.js';
import { judgeHealth } from '../health.js';
import { iso } from '../json.js';
import { openApiDocument } from '../openapi.js';
import type { AppContext } from './context.js';

/** How long `/healthz` waits for the store's answer before calling it down. */
const PING_TIMEOUT_MS = 2000;

/** The store's round trip, bounded: a network database that hangs must not hang the probe. */
async function pingWithin(store: Store, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** This monitor's HA role for `/healthz` and `/api/info` (alone: `active`). */
function haFields(ctx: AppContext): { role: string; monitorId: string; epoch: number; leader: string } {
  const ha = ctx.monitor.ha?.();
  if (!ha) return { role: 'active', monitorId: '', epoch: 0, leader: '' };
  return { role: ha.role, monitorId: ha.monitorId, epoch: ha.epoch, leader: ha.leader };
}

/** `/healthz`, `/metrics` and `/api/info`. */
export function systemRoutes(app: FastifyInstance, ctx: AppContext, registry: Registry): void {
  app.get('/healthz', async (_req, reply) => {
    let dbOk = true;
    try {
      await pingWithin(ctx.store, PING_TIMEOUT_MS);
    } catch {
      dbOk = false;
    }
    const monitor = ctx.monitor.health?.();
    const verdict = judgeHealth({
      dbOk,
      monitor,
      dispatcher: ctx.notify?.dispatcher?.(),
      maxEventLoopLagMs: ctx.limits.healthMaxEventLoopLagMs,
      maxDispatchFailures: ctx.limits.healthMaxDispatchFailures,
    });
    reply.code(verdict.status === 'ok' ? 200 : 503);
    reply.header('cache-control', 'no-store');
    return {
      status: verdict.status,
      db: dbOk ? 'ok' : 'error',
      hosts: ctx.monitor.stats().hostsByState,
      reasons: verdict.reasons,
      ...(monitor ? { pendingEvents: monitor.pendingEvents } : {}),
      // A healthy standby answers 200 too: being standby is not a fault.
      ...haFields(ctx),
    };
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    reply.header('content-type', registry.contentType);
    return text;
  });

  const openapi = openApiDocument(String(ctx.info.version ?? process.env.npm_package_version ?? '0.1.0'));
  app.get('/api/openapi.json', async () => openapi);

  app.get('/api/info', async () => {
    const now = ctx.now();
    const stats = ctx.monitor.stats();
    return {
      name: 'thump',
      ...ctx.info,
      startedAt: iso(ctx.startedAt),
      now: iso(now),
      uptimeSeconds: Math.round((now - ctx.startedAt) / 1000),
      node: process.version,
      pid: process.pid,
      hosts: stats.hostsByState,
      packetsTotal: stats.packetsTotal,
      beatsTotal: stats.beatsTotal,
      sseClients: ctx.hub.clientCount,
      notifiers: ctx.notify ? ctx.notify.notifiers().length : 0,
      ...haFields(ctx),
    };
  });
}
