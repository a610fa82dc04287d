import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../src/monitor/types.js';
import { artifact, type Chromium, launchChromium } from './support/chromium.js';
import { type FakeFleet, startFakeFleet } from './support/http-fake-fleet.js';

// Browser globals used inside page.evaluate callbacks (the tsconfig has no DOM lib).
interface Rect {
  left: number;
  right: number;
}
interface El {
  textContent: string | null;
  className: string;
  hidden: boolean;
  scrollWidth: number;
  clientWidth: number;
  scrollLeft: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  querySelector(selector: string): El | null;
  closest(selector: string): El | null;
}
declare const document: {
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & { length: number };
  addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void;
  body: El & { classList: { contains(c: string): boolean } };
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; __csp: string[] };

/**
 * The dashboard under its Content-Security-Policy, with the monitor failing, at phone width,
 * and reading the server's lists instead of copies: an in-process server over a fake fleet
 * and real headless Chromium.
 */
let fleet: FakeFleet;
let chrome: Chromium;
let port: number;

beforeAll(async () => {
  fleet = await startFakeFleet(40);
  port = Number(new URL(fleet.server.url).port);
  chrome = await launchChromium({ width: 1280, height: 900 });
});

afterAll(async () => {
  await chrome?.close();
  await fleet?.close();
});

/** A page that records CSP violations (DOM events and console reports) and page errors. */
async function watchedPage(): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const page = await chrome.context.newPage();
  const console: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /content security policy/i.test(m.text())) console.push(m.text());
  });
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  // Init scripts run before the page's own and are not subject to its CSP.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return {
    page,
    problems: async () => [...(await page.evaluate(() => window.__csp)), ...console],
  };
}

const visibleRows = (page: Page) =>
  page.evaluate(() => document.querySelectorAll('.rows .row:not([hidden])').length);

describe('dashboard under its Content-Security-Policy', () => {
  it('renders hosts, events, a host chart, silences and sweeps without a single violation', async () => {
    const { page, problems } = await watchedPage();
    try {
      const res = await page.goto(fleet.server.url);
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      expect(await visibleRows(page)).toBeGreaterThan(10);
      await page.waitForSelector('.side .timeline .ev');
      await page.click('.rows .row:not([hidden]) .c-id a:text-is("web-00005")');
      await page.waitForSelector('#beat-chart canvas', { timeout: 15_000 });
      for (const [hash, selector] of [
        ['#/events', '.timeline.full .ev'],
        ['#/silences', 'form'],
        ['#/sweeps', '.view table, .view .card'],
      ] as const) {
        await page.goto(`${fleet.server.url}/${hash}`);
        await page.waitForSelector(selector, { timeout: 15_000 });
      }
      expect(await problems()).toEqual([]);
      // The watch itself works: an inline style attribute is reported.
      await page.evaluate(() => {
        (document.querySelector('#view') as unknown as { innerHTML: string }).innerHTML =
          '<p style="color: red">x</p>';
      });
      await expect.poll(problems).toContain('style-src-attr inline');
    } finally {
      await page.close();
    }
  });
});

describe('dashboard reads the server lists', () => {
  it('offers exactly the server event types in the events filter', async () => {
    const page = await chrome.context.newPage();
    try {
      await page.goto(`${fleet.server.url}/#/events`);
      await page.waitForSelector('.timeline.full .ev');
      const options = await page.$$eval('.toolbar select option', (os) =>
        os.map((o) => (o as unknown as { value: string }).value),
      );
      expect(options).toEqual(['', ...EVENT_TYPES]);
    } finally {
      await page.close();
    }
  });

  it('reads host rows by their field names: reversed fields and rows render the same', async () => {
    const page = await chrome.context.newPage();
    await page.route('**/api/ui/hosts', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { fields: string[]; rows: unknown[][] };
      body.fields.reverse();
      for (const r of body.rows) r.reverse();
      await route.fulfill({ response, json: body });
    });
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      const row = await page.evaluate(() => {
        for (const r of document.querySelectorAll('.rows .row:not([hidden])')) {
          if (r.querySelector('.c-id a')?.textContent !== 'web-00005') continue;
          const text = (c: string) => r.querySelector(c)?.textContent;
          return { state: text('.badge'), address: text('.c-addr'), checks: text('.c-checks') };
        }
        return undefined;
      });
      expect(row).toEqual({ state: '▲ up', address: '10.0.0.5:43278', checks: '! disk:/ warning' });
    } finally {
      await page.close();
    }
  });

  it('says so in the banner when the rows lack a field it needs', async () => {
    const page = await chrome.context.newPage();
    await page.route('**/api/ui/hosts', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { fields: string[] };
      body.fields = body.fields.map((f) => (f === 'address' ? 'addr' : f));
      await route.fulfill({ response, json: body });
    });
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('#banner:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#banner')).toContain('lack the field(s) address');
    } finally {
      await page.close();
    }
  });
});

describe('dashboard cosmetics', () => {
  it('orders recent events by the time it shows, also when recorded out of order', async () => {
    const page = await chrome.context.newPage();
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      // A `down` is dated at its deadline: recorded after an `up` of another host that came
      // a second later.
      const t = Date.now();
      await fleet.monitor.emit({ type: 'up', hostId: 'web-00010', at: t, details: {} });
      await fleet.monitor.emit({
        type: 'down',
        hostId: 'web-00015',
        at: t - 1000,
        details: { timeoutMs: 3000 },
      });
      await page.waitForFunction(() => document.querySelectorAll('.side .timeline .ev').length >= 8);
      const times = await page.$$eval('.side .timeline .ev time', (ts) =>
        ts.map((x) => Date.parse((x as unknown as { dateTime: string }).dateTime)),
      );
      expect(times.length).toBeGreaterThanOrEqual(8);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const hosts = await page.$$eval('.side .timeline .ev .ev-host', (as) => as.map((a) => a.textContent));
      expect(hosts.slice(0, 2)).toEqual(['web-00010', 'web-00015']);
    } finally {
      await page.close();
    }
  });

  it("shows the host page's times, FIRST SEEN included, in the 24-hour format", async () => {
    const page = await chrome.context.newPage();
    try {
      await page.goto(`${fleet.server.url}/#/host/web-00005`);
      await page.waitForSelector('.facts .fact');
      const facts = Object.fromEntries(
        await page.$$eval('.facts .fact', (fs) =>
          fs.map((f) => [f.querySelector('dt')?.textContent, f.querySelector('dd')?.textContent]),
        ),
      );
      const clock = /^(\d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2})$/;
      expect(facts['First seen']).toMatch(clock);
      expect(facts['State since']).toMatch(clock);
    } finally {
      await page.close();
    }
  });

  it('keeps the HARDWARE column whole at 390 px: the table scrolls sideways, the page does not', async () => {
    const page = await chrome.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('.rows .row:not([hidden])');
      const layout = await page.evaluate(() => {
        const table = document.querySelector('.table.hosts') as El;
        const cells = [...document.querySelectorAll('.row .c-checks')].filter((c) => !c.closest('[hidden]'));
        const cut = cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent);
        table.scrollLeft = table.scrollWidth;
        const outside = cells
          .filter((c) => c.getBoundingClientRect().right > window.innerWidth)
          .map((c) => c.textContent);
        return {
          cells: cells.length,
          cut,
          outside,
          pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      await page.screenshot({ path: artifact('dashboard-390-scrolled.png') });
      expect(layout.cells).toBeGreaterThan(10);
      expect(layout.cut).toEqual([]);
      expect(layout.outside).toEqual([]);
      expect(layout.pageOverflow).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });
});

describe('dashboard when the monitor fails', () => {
  it('never shows an empty fleet when the first load answers 500', async () => {
    const page = await chrome.context.newPage();
    await page.route('**/api/ui/hosts', (route) =>
      route.fulfill({ status: 500, json: { error: 'internal error' } }),
    );
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('#banner:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#banner .b-status')).toContain('HTTP 500');
      expect(await page.textContent('#banner')).toContain('nothing received since this page opened');
      const text = (await page.textContent('body')) ?? '';
      expect(text).not.toContain('0 hosts');
      expect(text).not.toContain('No events yet.');
      expect(await page.textContent('#host-count')).toBe('no data yet');
      expect(await page.textContent('#stat-total .n')).toBe('–');
    } finally {
      await page.close();
    }
  });

  it('keeps the last good rows greyed out under a banner while the API answers 500, and recovers', async () => {
    const page = await chrome.context.newPage();
    try {
      await page.goto(fleet.server.url);
      await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      const rowsBefore = await visibleRows(page);
      const countBefore = await page.textContent('#host-count');
      expect(await page.isHidden('#banner')).toBe(true);

      // The monitor goes away and comes back answering 500 to everything.
      await page.route('**/api/**', (route) =>
        route.fulfill({ status: 500, json: { error: 'internal error' } }),
      );
      await fleet.close();
      await page.waitForFunction(
        () => document.querySelector('#banner .b-status')?.textContent?.includes('HTTP 500'),
        undefined,
        {
          timeout: 20_000,
        },
      );
      expect(await page.textContent('#banner')).toMatch(/last worked at \d{2}:\d{2}:\d{2}/);
      expect(await page.evaluate(() => document.body.classList.contains('stale'))).toBe(true);
      expect(await visibleRows(page)).toBe(rowsBefore);
      expect(await page.textContent('#host-count')).toBe(countBefore);
      expect(await page.locator('.side .timeline .ev').count()).toBeGreaterThan(0);
      await page.screenshot({ path: artifact('dashboard-api-500.png') });

      // The monitor is healthy again: the banner goes, the data is live again.
      fleet = await startFakeFleet(40, { port });
      await page.unroute('**/api/**');
      await page.waitForSelector('#banner[hidden]', { state: 'attached', timeout: 30_000 });
      await page.waitForSelector('#conn.conn-live', { timeout: 15_000 });
      expect(await page.evaluate(() => document.body.classList.contains('stale'))).toBe(false);
    } finally {
      await page.close();
    }
  });
});
