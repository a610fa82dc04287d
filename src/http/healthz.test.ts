import { afterEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import type { MonitorHealth } from '../monitor/types.js';
import type { DispatcherHealth, NotifyView } from '../notify/types.js';
import { openStore } from '../store/index.js';
import { buildHttpApp } from './app.js';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function app(health: MonitorHealth | undefined, dispatcher: DispatcherHealth | undefined) {
  const monitor = new FakeMonitor();
  monitor.setHost({ id: 'web-1' });
  const m = health === undefined ? monitor : Object.assign(monitor, { health: () => health });
  const notify: NotifyView = {
    notifiers: () => [],
    test: async () => {},
    outboxDepth: () => 0,
    ...(dispatcher ? { dispatcher: () => dispatcher } : {}),
  };
  const a = buildHttpApp({
    monitor: m,
    store: await openStore(':memory:'),
    listen: { host: '127.0.0.1', port: 0 },
    notify,
    limits: { healthMaxDispatchFailures: 5, healthMaxEventLoopLagMs: 200 },
  });
  apps.push(a);
  return a;
}

const calm: MonitorHealth = { storeWriteErrors: { events: 0, hosts: 0 }, pendingEvents: 0 };

describe('GET /healthz', () => {
  it('answers 200 with the existing fields and an empty reasons list when all is well', async () => {
    const r = await (await app(calm, { errorsTotal: 0, consecutiveFailures: 0 })).inject('/healthz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      status: 'ok',
      db: 'ok',
      hosts: expect.objectContaining({ up: 1 }),
      reasons: [],
      pendingEvents: 0,
      // Alone (no HA coordinator): active, no id, no lease.
      role: 'active',
      monitorId: '',
      epoch: 0,
      leader: '',
    });
  });

  it('answers 503 degraded with every reason, using the configured thresholds', async () => {
    const r = await (
      await app(
        {
          storeWriteErrors: { events: 2, hosts: 0 },
          pendingEvents: 7,
          lastEventWriteError: { at: 1, message: 'database or disk is full' },
          eventLoop: { p99Ms: 300, maxMs: 400, windowMs: 10_000 },
        },
        { errorsTotal: 5, consecutiveFailures: 5, lastError: { at: 1, message: 'boom' } },
      )
    ).inject('/healthz');
    expect(r.statusCode).toBe(503);
    const body = r.json() as { status: string; db: string; reasons: string[]; pendingEvents: number };
    expect(body.status).toBe('degraded');
    expect(body.db).toBe('ok');
    expect(body.pendingEvents).toBe(7);
    expect(body.reasons.map((x) => x.split(':')[0])).toEqual(['store', 'notify', 'event loop']);
  });

  it('stays 200 below the dispatcher threshold and without monitor health', async () => {
    const r = await (await app(undefined, { errorsTotal: 4, consecutiveFailures: 4 })).inject('/healthz');
    expect(r.statusCode).toBe(200);
  });
});
