import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog } from '../src/notify/watchdog.js';
import { systemClock } from '../src/util/clock.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { hookPayloads, type MonitorRig, startMonitorRig } from './support/pipeline-monitor.js';
import { waitFor } from './support/proc.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

async function server(): Promise<CaptureServer> {
  const s = await startCaptureServer();
  closers.push(() => s.close());
  return s;
}

describe('watchdog (dead man switch)', () => {
  it('pings the URL every interval with GET', async () => {
    const hc = await server();
    const w = new Watchdog({
      url: `${hc.url}/ping/secret-uuid-1234`,
      intervalMs: 150,
      timeoutMs: 2000,
      method: 'get',
      clock: systemClock,
    });
    w.start();
    closers.push(() => w.stop());
    // The listener sees a request before the watchdog has read its reply: wait for both.
    await waitFor(() => hc.requests.length >= 3 && w.stats.ok >= 3, 'three answered pings');
    expect(hc.requests.every((r) => r.method === 'GET' && r.url === '/ping/secret-uuid-1234')).toBe(true);
    expect(w.stats.ok).toBeGreaterThanOrEqual(3);
  });

  it('keeps pinging on schedule after failures and never logs the URL path', async () => {
    const hc = await server();
    hc.respond({ status: 500 });
    const { logger, lines } = capturingLogger();
    const w = new Watchdog({
      url: `${hc.url}/ping/secret-uuid-5678`,
      intervalMs: 150,
      timeoutMs: 2000,
      method: 'post',
      clock: systemClock,
      logger,
    });
    w.start();
    closers.push(() => w.stop());
    await waitFor(() => w.stats.failed >= 2, 'two failed pings');
    hc.respond({ status: 200 });
    await waitFor(() => w.stats.ok >= 1, 'a good ping after the failures');
    expect(hc.requests.every((r) => r.method === 'POST')).toBe(true);
    expect(lines.some((l) => l.includes('watchdog ping'))).toBe(true);
    expect(lines.join('\n')).not.toContain('secret-uuid-5678');
    expect(w.stats.lastError).not.toContain('secret-uuid-5678');
  });

  it('is started by thump monitor from the watchdog config section', async () => {
    const hc = await server();
    const rig: MonitorRig = await startMonitorRig({
      watchdog: { url: `${hc.url}/ping/abcd-efgh`, interval: '500ms' },
    });
    closers.push(() => rig.close());
    await waitFor(() => hc.requests.length >= 2, 'two pings from the monitor', 20_000);
    expect(hc.requests[0]?.url).toBe('/ping/abcd-efgh');
    expect(rig.proc.stdout() + rig.proc.stderr()).not.toContain('abcd-efgh');
    expect(hookPayloads(rig.hook)).toEqual([]);
  });
});
