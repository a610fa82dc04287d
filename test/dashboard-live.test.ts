import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, type Chromium, launchChromium } from './support/chromium.js';
import { type MonitorProc, startAgent, startMonitor, writeSecret } from './support/monitor-harness.js';
import { type Proc, spawnThump, tempDir } from './support/proc.js';

// Browser globals used inside page.evaluate callbacks (the tsconfig has no DOM lib).
interface El {
  textContent: string | null;
  querySelector(selector: string): El | null;
}
declare const document: {
  querySelectorAll(selector: string): Iterable<El> & { length: number };
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; __noReload?: boolean };

// A real monitor, three real heartbeat agents at 1 s, and the dashboard in headless Chromium.
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 3 * INTERVAL_MS;

let dir: ReturnType<typeof tempDir>;
let monitor: MonitorProc;
const agents = new Map<string, Proc>();
let chrome: Chromium;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = tempDir('thump-dash-');
  const secret = writeSecret(dir.path);
  monitor = await startMonitor({ dir: dir.path, secretFile: secret });
  for (const id of ['alpha', 'bravo', 'charlie'])
    agents.set(id, startAgent(monitor.udpPort, id, secret, `${INTERVAL_MS}ms`));
  chrome = await launchChromium();
  page = await chrome.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await chrome?.close();
  await Promise.all([...agents.values()].map((a) => a.stop('SIGKILL')));
  await monitor?.proc.stop('SIGTERM');
  dir?.cleanup();
});

/** The state text shown in a host's row, or undefined when the row is not rendered. */
function rowState(id: string): Promise<string | undefined> {
  return page.evaluate((hostId) => {
    for (const row of document.querySelectorAll('.rows .row:not([hidden])')) {
      if (row.querySelector('.c-id a')?.textContent === hostId)
        return row.querySelector('.badge')?.textContent ?? '';
    }
    return undefined;
  }, id);
}

describe('dashboard against a real monitor', () => {
  it('shows the three agents up, then a killed agent down within timeout + 2 s without a reload', async () => {
    await page.goto(monitor.httpUrl);
    await page.waitForFunction(
      () => document.querySelectorAll('.rows .row:not([hidden]) .badge.s-up').length === 3,
      undefined,
      { timeout: 30_000 },
    );
    for (const id of ['alpha', 'bravo', 'charlie']) expect(await rowState(id)).toBe('▲ up');
    await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
    expect(await page.textContent('#stat-up .n')).toBe('3');
    await page.screenshot({ path: artifact('dashboard-3-up.png') });

    // Mark the document so a reload would be noticed.
    await page.evaluate(() => {
      window.__noReload = true;
    });
    const killedAt = Date.now();
    await agents.get('bravo')?.stop('SIGKILL');
    await page.waitForFunction(
      () => {
        for (const row of document.querySelectorAll('.rows .row:not([hidden])')) {
          if (row.querySelector('.c-id a')?.textContent === 'bravo')
            return row.querySelector('.badge.s-down') !== null;
        }
        return false;
      },
      undefined,
      { timeout: TIMEOUT_MS + 2000 + 1000, polling: 50 },
    );
    const seenAfter = Date.now() - killedAt;
    expect(seenAfter).toBeLessThanOrEqual(TIMEOUT_MS + 2000);
    expect(await rowState('bravo')).toBe('▼ down');
    expect(await page.evaluate(() => window.__noReload)).toBe(true);
    expect(await page.textContent('#stat-down .n')).toBe('1');
    // The timeline got the down event live too.
    await page.waitForSelector('.timeline .ev .t-bad', { timeout: 5000 });
    await page.screenshot({ path: artifact('dashboard-1-down.png') });
  });

  it('opens a host page with a chart of beat inter-arrival times', async () => {
    await page.click('.rows .row:not([hidden]) .c-id a:text-is("alpha")');
    await page.waitForSelector('#beat-chart canvas', { timeout: 15_000 });
    // The chart fills as beats arrive (page refresh every 5 s): wait for a few intervals.
    await expect
      .poll(
        async () => Number(/^(\d+) intervals/.exec((await page.textContent('.chart-note')) ?? '')?.[1] ?? 0),
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThanOrEqual(3);
    expect(await page.textContent('.host-title')).toContain('alpha');
    expect(await page.textContent('.host-title .badge')).toBe('▲ up');
    await page.screenshot({ path: artifact('dashboard-host-page.png'), fullPage: true });
  });

  it('reconnects after a monitor restart and keeps updating live', async () => {
    await page.goto(`${monitor.httpUrl}/#/`);
    await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
    // spawnargs: [node, dist/cli/main.js, 'monitor', ...flags]
    const args = monitor.proc.child.spawnargs.slice(2);
    await monitor.proc.stop('SIGTERM');
    await page.waitForSelector('#conn.conn-down', { timeout: 15_000 });
    // Same ports, same database: the page's EventSource finds it again by itself.
    const again = spawnThump(args, { THUMP_CONFIG: '', NODE_ENV: 'test' });
    monitor = { ...monitor, proc: again };
    await page.waitForSelector('#conn.conn-live', { timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelectorAll('.rows .row:not([hidden]) .badge.s-up').length === 2,
      undefined,
      { timeout: 30_000 },
    );
    await agents.get('charlie')?.stop('SIGKILL');
    await page.waitForFunction(
      () => document.querySelectorAll('.rows .row:not([hidden]) .badge.s-down').length === 2,
      undefined,
      { timeout: 30_000 },
    );
    expect(await rowState('charlie')).toBe('▼ down');
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${monitor.httpUrl}/#/`);
    await page.waitForFunction(() => document.querySelectorAll('.rows .row:not([hidden])').length === 3);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifact('dashboard-phone.png') });
    expect(pageErrors).toEqual([]);
  });

  it('adds the row of a beating host its first snapshot lacked (a host that appeared mid-load)', async () => {
    const fresh = await chrome.context.newPage();
    let first = true;
    // The first snapshot misses alpha, as if alpha appeared between the page's requests.
    await fresh.route('**/api/ui/hosts', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { rows: unknown[][] };
      if (first) body.rows = body.rows.filter((r) => r[0] !== 'alpha');
      first = false;
      await route.fulfill({ response, json: body });
    });
    try {
      await fresh.goto(`${monitor.httpUrl}/#/`);
      await fresh.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      await fresh.waitForFunction(
        () =>
          [...document.querySelectorAll('.rows .row:not([hidden]) .c-id a')].some(
            (a) => a.textContent === 'alpha',
          ),
        undefined,
        { timeout: 20_000 },
      );
      expect(first).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});
