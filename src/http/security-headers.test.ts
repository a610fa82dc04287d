import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore } from '../store/index.js';
import { startHttpServer } from './index.js';
import { SECURITY_HEADERS } from './security-headers.js';
import type { HttpServer } from './types.js';

let server: HttpServer;

beforeAll(async () => {
  const monitor = new FakeMonitor();
  monitor.setHost({ id: 'web-1' }, Date.now());
  server = await startHttpServer({
    monitor,
    store: await openStore(':memory:'),
    listen: { host: '127.0.0.1', port: 0 },
  });
});

afterAll(async () => {
  await server?.close();
});

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
}

describe('security headers', () => {
  it('sends a CSP without unsafe-inline that forbids framing', () => {
    const csp = SECURITY_HEADERS['content-security-policy'] as string;
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(SECURITY_HEADERS['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['/', 200],
    ['/js/app.js', 200],
    ['/style.css', 200],
    ['/api/hosts', 200],
    ['/api/ui/meta', 200],
    ['/api/hosts/nope', 404],
    ['/no/such/page', 404],
    ['/api/events?limit=0', 400],
    ['/metrics', 200],
    ['/healthz', 200],
  ])('are on the response of GET %s (%i)', async (path, status) => {
    const res = await fetch(`${server.url}${path}`);
    await res.arrayBuffer();
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
  });

  it('are on the hijacked Server-Sent Events stream too', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/stream`, { signal: abort.signal });
    try {
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expectSecurityHeaders(res);
    } finally {
      abort.abort();
    }
  });
});
