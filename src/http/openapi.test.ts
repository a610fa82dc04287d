import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildHttpApp, routesOf } from './app.js';
import { FakeMonitor } from './fake-monitor.js';

describe('GET /api/openapi.json', () => {
  it('describes exactly the API routes the server has', async () => {
    const app = buildHttpApp({
      monitor: new FakeMonitor(),
      db: new Database(':memory:'),
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
});
