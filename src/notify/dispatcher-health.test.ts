import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { systemClock } from '../util/clock.js';
import { Dependencies } from './dependencies.js';
import { Dispatcher } from './dispatcher.js';
import { Router } from './routes.js';
import { SilenceMatcher } from './silences.js';
import type { NotificationBatch, Notifier } from './types.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Dispatcher failures', () => {
  it('counts failing steps and reports every notifier as retrying with the error until a step succeeds', async () => {
    const sent: NotificationBatch[] = [];
    const notifier: Notifier = {
      name: 'ops',
      type: 'test',
      async send(b) {
        sent.push(b);
      },
    };
    let broken = true;
    const db = await openStore(':memory:');
    stops.push(() => db.close());
    const d = new Dispatcher({
      store: db.outbox,
      notifiers: [notifier],
      router: new Router([], ['ops'], 0),
      dependencies: new Dependencies([]),
      world: {
        host: () => undefined,
        // What a pathological stored silence did (issue 17, reproduction 3).
        silences: async () => {
          if (broken) throw new RangeError('Invalid regular expression: Maximum call stack size exceeded');
          return new SilenceMatcher([]);
        },
      },
      timing: {
        groupWaitMs: 0,
        repeatIntervalMs: 0,
        maxListed: 3,
        retryInitialMs: 100,
        retryMaxMs: 100,
        retryDeadlineMs: 60_000,
        attemptTimeoutMs: 1_000,
      },
      clock: systemClock,
    });
    stops.unshift(() => d.stop(0));
    db.events.onRecorded((events) => d.rows(events));
    await db.events.record([{ type: 'down', hostId: 'web-1', at: Date.now(), details: {} }]);
    d.start();
    await until('two failed steps in a row', () => d.health().consecutiveFailures >= 2);
    const h = d.health();
    expect(h.errorsTotal).toBeGreaterThanOrEqual(2);
    expect(h.lastError?.message).toContain('Invalid regular expression');
    const [st] = d.statusList();
    expect(st?.state).toBe('retrying');
    expect(st?.lastError).toMatch(
      /^notify dispatcher failing \(\d+ steps in a row\): Invalid regular expression/,
    );
    expect(sent).toHaveLength(0);

    broken = false;
    await until('the notification to go out once steps succeed', () => sent.length === 1);
    await d.idle();
    expect(d.health().consecutiveFailures).toBe(0);
    expect(d.statusList()[0]?.state).toBe('ok');
  });
});
