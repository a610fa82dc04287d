import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore } from '../store/index.js';
import { LIMITS } from '../util/limits.js';
import { buildHttpApp, routesOf } from './app.js';
import { openApiDocument } from './openapi.js';

describe('GET /api/openapi.json', () => {
  it('describes exactly the API routes the server has', async () => {
    const app = buildHttpApp({
      monitor: new FakeMonitor(),
      store: await openStore(':memory:'),
      listen: { host: '127.0.0.1', port: 0 },
    });
    await app.ready();
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const described = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops))
        described.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const served = new Set(
      routesOf(app)
        .filter((r) => r.url.startsWith('/api/') || r.url === '/metrics' || r.url === '/healthz')
        .map((r) => `${r.method} ${r.url}`),
    );
    expect([...described].sort()).toEqual([...served].sort());
    await app.close();
  });

  it('carries the same bounds as the checks (util/limits.ts)', () => {
    const doc = openApiDocument('test') as {
      components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> };
      paths: Record<string, { get: { parameters: Array<{ name: string; schema: Record<string, number> }> } }>;
    };
    const req = doc.components.schemas.SilenceRequest?.properties ?? {};
    expect(req.host?.maxLength).toBe(LIMITS.globLength);
    expect(req.comment?.maxLength).toBe(LIMITS.commentLength);
    expect(req.cron?.maxLength).toBe(LIMITS.cronLength);
    const param = (path: string, name: string) =>
      doc.paths[path]?.get.parameters.find((p) => p.name === name)?.schema;
    expect(param('/api/hosts', 'id')?.maxLength).toBe(LIMITS.globLength);
    expect(param('/api/hosts', 'limit')?.maximum).toBe(LIMITS.hostsPage);
    expect(param('/api/events', 'limit')?.maximum).toBe(LIMITS.eventsPage);
    expect(param('/api/sweeps', 'limit')?.maximum).toBe(LIMITS.sweepsPage);
    expect(param('/api/silences', 'limit')?.maximum).toBe(LIMITS.silencesPage);
    expect(param('/api/events', 'type')?.maxLength).toBe(LIMITS.queryValueLength);
  });
});
