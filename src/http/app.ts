import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { systemClock } from '../util/clock.js';
import { bearerGuard } from './auth.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './config.js';
import { limitConnectionsPerAddress } from './connection-limit.js';
import { hostGuard } from './host-guard.js';
import { installErrorHandlers } from './http-error.js';
import { LiveHub } from './live-hub.js';
import { buildMetricsRegistry } from './metrics.js';
import type { AppContext } from './routes/context.js';
import { eventRoutes } from './routes/events.js';
import { hostRoutes } from './routes/hosts.js';
import { notifierRoutes } from './routes/notifiers.js';
import { silenceRoutes } from './routes/silences.js';
import { streamRoutes } from './routes/stream.js';
import { sweepRoutes } from './routes/sweeps.js';
import { systemRoutes } from './routes/system.js';
import { uiMetaRoutes } from './routes/ui-meta.js';
import { securityHeaders } from './security-headers.js';
import type { HttpDeps } from './types.js';

/** The dashboard's files (served as-is, no build step): `<repo>/static`. */
export const STATIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../static');

function uplotDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('uplot'));
  } catch {
    return undefined;
  }
}

/**
 * Builds the Fastify app (routes, error handling, dashboard files) without listening, so
 * tests can drive it with `app.inject()`. The live hub's timers start on `ready` and stop
 * on `close`.
 */
export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // Beyond one megabyte nothing this API takes is legitimate (http.body_limit).
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      // Node checks header and request deadlines on this period (30 s by default, which
      // would let a slow-header client hold its socket up to 30 s past the deadline).
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
    return503OnClosing: true,
    // On shutdown, end every connection (keep-alive, half-read downloads) instead of
    // waiting for clients: a monitor told to stop should stop.
    forceCloseConnections: true,
  }) as unknown as FastifyInstance;
  limitConnectionsPerAddress(app.server, limits.maxConnectionsPerAddress);
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const hub = new LiveHub(deps.monitor, {
    heartbeatMs: deps.sse?.heartbeatMs ?? 15_000,
    beatPeriodMs: deps.sse?.beatPeriodMs ?? 1_000,
    maxBufferBytes: deps.sse?.maxBufferBytes ?? 1_048_576,
    now,
  });
  const ctx: AppContext = {
    monitor: deps.monitor,
    notify: deps.notify,
    store: deps.store,
    now,
    hub,
    beatHistory: (id) => hub.beatHistory(id),
    auth: bearerGuard(deps.token),
    logger: deps.logger,
    startedAt: now(),
    info: deps.info ?? {},
    limits,
  };

  installErrorHandlers(app);
  app.addHook('onRequest', hostGuard(deps.listen.host, limits.allowedHosts));
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  ROUTES.set(app, routes);
  securityHeaders(app);
  app.addHook('onReady', async () => hub.start());
  // preClose: end the never-ending SSE responses first, or closing the server would wait on them.
  app.addHook('preClose', async () => hub.stop());

  const registry = buildMetricsRegistry(deps.monitor, deps.notify, {
    sseClients: () => hub.clientCount,
    store: deps.store,
  });
  systemRoutes(app, ctx, registry);
  hostRoutes(app, ctx);
  eventRoutes(app, ctx);
  streamRoutes(app, ctx);
  silenceRoutes(app, ctx);
  notifierRoutes(app, ctx);
  sweepRoutes(app, ctx);
  uiMetaRoutes(app);

  app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/', index: ['index.html'], wildcard: true });
  const uplot = uplotDir();
  if (uplot) {
    app.register(fastifyStatic, { root: uplot, prefix: '/vendor/uplot/', decorateReply: false });
  }
  return app;
}

const ROUTES = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every route the app registered (method + URL pattern), for the OpenAPI completeness test. */
export function routesOf(app: FastifyInstance): { method: string; url: string }[] {
  return ROUTES.get(app) ?? [];
}

/** `http://host:port` with IPv6 hosts bracketed. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
