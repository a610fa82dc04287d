import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, type Chromium, launchChromium } from './support/chromium.js';
import { type FakeFleet, startFakeFleet } from './support/http-fake-fleet.js';

// Browser globals used inside page.evaluate callbacks (the tsconfig has no DOM lib).
interface Perf {
  scriptMs?: number;
  mountMs?: number;
  lastSortMs?: number;
  lastRowsMs?: number;
  fetchedMs?: number;
  loadedMs?: number;
  firstRenderMs?: number;
  filterMs?: number;
  filterMsCount?: number;
  sortMs?: number;
  sortMsCount?: number;
}
declare const window: { __thump: { perf: Perf } };
declare const document: {
  querySelectorAll(selector: string): { length: number };
  querySelector(
    selector: string,
  ): { scrollTop: number; scrollHeight: number; textContent: string | null } | null;
};

/**
 * Load test: 10,000 simulated hosts (in-process server over a fake monitor, beats moving
 * every second), the dashboard in real headless Chromium. It checks behaviour (all hosts
 * reachable, filters right, few DOM rows) and prints the timings recorded in
 * docs/perf/dashboard.md; it does not fail on speed (CI machines vary).
 */
const N = 10_000;
let fleet: FakeFleet;
let chrome: Chromium;
let page: Page;
let beating: NodeJS.Timeout | undefined;

beforeAll(async () => {
  // Agent hosts only, so every count below is exactly N (swept hosts have their own tests).
  fleet = await startFakeFleet(N, { sweep: false });
  beating = setInterval(() => fleet.beat(), 1000);
  chrome = await launchChromium();
  page = await chrome.context.newPage();
});

afterAll(async () => {
  clearInterval(beating);
  await chrome?.close();
  await fleet?.close();
});

const perf = () => page.evaluate(() => window.__thump.perf);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timedFilter(action: () => Promise<void>): Promise<number> {
  const before = (await perf()).filterMsCount ?? 0;
  await action();
  await page.waitForFunction((n) => (window.__thump.perf.filterMsCount ?? 0) > n, before);
  return (await perf()).filterMs as number;
}

describe(`dashboard with ${N} hosts`, () => {
  it('renders, filters, sorts and scrolls the whole fleet with a virtualised table', async () => {
    // Baseline measured in the same run: the floor of this browser on this machine, an empty
    // page (served by Playwright, no server work) whose only module script notes the time.
    const baselines: number[] = [];
    await page.route(`${fleet.server.url}/__baseline`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><script type="module">window.__t = performance.now();</script>',
      }),
    );
    for (let i = 0; i < 3; i++) {
      await page.goto(`${fleet.server.url}/__baseline`);
      await page.waitForFunction(() => (window as unknown as { __t?: number }).__t !== undefined);
      baselines.push(await page.evaluate(() => (window as unknown as { __t: number }).__t));
    }
    const baselineMs = median(baselines);
    await page.goto(fleet.server.url);
    await page.waitForFunction(() => (window.__thump.perf.firstRenderMs ?? -1) > 0, undefined, {
      timeout: 30_000,
    });
    const p0 = await perf();
    const firstRenderMs = p0.firstRenderMs as number;
    expect(await page.textContent('#host-count')).toBe(`${N} hosts`);
    expect(await page.textContent('#stat-total .n')).toBe(String(N));
    // Virtualised: a few dozen row elements for 10,000 hosts.
    const rowEls = await page.evaluate(() => document.querySelectorAll('.rows .row').length);
    expect(rowEls).toBeLessThan(100);

    const filterTimes: number[] = [];
    for (const q of ['web-0', 'web-00', 'web-001', 'web-0012', 'db-', 'fra1', '10.0.3.']) {
      filterTimes.push(await timedFilter(() => page.fill('#host-search', q)));
    }
    await page.fill('#host-search', 'web-00120');
    await page.waitForFunction(
      () => document.querySelector('#host-count')?.textContent === `1 of 10000 hosts`,
    );
    filterTimes.push(await timedFilter(() => page.fill('#host-search', '')));
    filterTimes.push(
      await timedFilter(() => page.selectOption('#host-filter', 'down').then(() => undefined)),
    );
    const downs = fleet.monitor.hosts().filter((h) => h.state === 'down').length;
    expect(await page.textContent('#host-count')).toBe(`${downs} of ${N} hosts`);
    filterTimes.push(await timedFilter(() => page.selectOption('#host-filter', 'all').then(() => undefined)));

    const sortTimes: number[] = [];
    for (const key of ['id', 'load', 'age', 'state']) {
      const before = (await perf()).sortMsCount ?? 0;
      await page.click(`button.sort[data-key="${key}"]`);
      await page.waitForFunction((n) => (window.__thump.perf.sortMsCount ?? 0) > n, before);
      sortTimes.push((await perf()).sortMs as number);
    }

    // Scroll to the very end: the last host is rendered.
    await page.evaluate(() => {
      const v = document.querySelector('.viewport');
      if (v) v.scrollTop = v.scrollHeight;
    });
    await page.waitForFunction(() => document.querySelectorAll('.rows .row:not([hidden])').length > 0);
    await page.screenshot({ path: artifact('dashboard-10k.png') });

    const figures = {
      hosts: N,
      firstRenderMs: Math.round(firstRenderMs),
      scriptStartMs: Math.round(p0.scriptMs ?? 0),
      dataInHandToRowsMs: Math.round(firstRenderMs - (p0.fetchedMs ?? 0)),
      mountMs: Math.round(p0.mountMs ?? 0),
      filterMedianMs: Math.round(median(filterTimes) * 10) / 10,
      filterMaxMs: Math.round(Math.max(...filterTimes) * 10) / 10,
      sortMedianMs: Math.round(median(sortTimes) * 10) / 10,
      domRows: rowEls,
      baselineEmptyPageMs: Math.round(baselineMs),
      firstRenderVsBaseline: Math.round((firstRenderMs / baselineMs) * 10) / 10,
    };
    console.log(
      `dashboard load figures: ${JSON.stringify(figures)} (load average ${loadavg()[0]?.toFixed(1)})`,
    );
  });
});
