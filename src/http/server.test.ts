import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { ResourceError } from '../errors.js';
import { openStore } from '../store/index.js';
import { startHttpServer } from './server.js';

const deps = async (host: string, port: number) => ({
  monitor: new FakeMonitor(),
  store: await openStore(':memory:'),
  listen: { host, port },
});

describe('startHttpServer', () => {
  it('listens on a free port and reports its URL; close() stops it', async () => {
    const s = await startHttpServer(await deps('127.0.0.1', 0));
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    await s.close();
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('serves IPv6 loopback with a bracketed URL', async () => {
    const s = await startHttpServer(await deps('::1', 0));
    expect(s.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${s.url}/api/hosts`)).status).toBe(200);
    await s.close();
  });

  it('fails with a clear ResourceError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    const err = await startHttpServer(await deps('127.0.0.1', port)).catch((e: unknown) => e);
    blocker.close();
    expect(err).toBeInstanceOf(ResourceError);
    expect((err as Error).message).toBe(
      `cannot listen for HTTP on 127.0.0.1:${port}: the port is already in use`,
    );
  });

  it('serves the dashboard and uPlot as static files', async () => {
    const s = await startHttpServer(await deps('127.0.0.1', 0));
    const html = await fetch(`${s.url}/`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('<script type="module" src="/js/app.js">');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html.headers.get('x-frame-options')).toBe('DENY');
    const js = await fetch(`${s.url}/js/live.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('EventSource');
    const uplot = await fetch(`${s.url}/vendor/uplot/uPlot.esm.js`);
    expect(uplot.status).toBe(200);
    await uplot.arrayBuffer();
    await s.close();
  });
});
