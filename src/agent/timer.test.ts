import { describe, expect, it } from 'vitest';
import { OnceLog } from './once-log.js';
import { at, nextSlot } from './timer.js';

describe('nextSlot', () => {
  it.each([
    [1000, 100, 900, 1000],
    [1000, 100, 1000, 1100],
    [1000, 100, 1050, 1100],
    [1000, 100, 1099.9, 1100],
    [1000, 100, 1555, 1600], // stalled for 5 slots: skips them instead of bursting
  ])('start %i every %i at %f -> %i', (start, interval, now, next) => {
    expect(nextSlot(start, interval, now)).toBe(next);
  });

  it('never drifts: slot k is start + k * interval whatever each run took', () => {
    let t = 0;
    for (let k = 1; k <= 1000; k++) {
      t = nextSlot(0, 5000, t + 37); // every run takes 37 ms
      expect(t).toBe(k * 5000);
    }
  });
});

describe('at', () => {
  it('fires at an absolute deadline and can be cancelled', async () => {
    const t0 = performance.now();
    const fired = await new Promise<number>((resolve) => at(t0 + 30, () => resolve(performance.now())));
    expect(fired).toBeGreaterThanOrEqual(t0 + 29);
    let ran = false;
    const h = at(performance.now() + 10, () => {
      ran = true;
    });
    h.cancel();
    await new Promise((r) => setTimeout(r, 40));
    expect(ran).toBe(false);
  });

  it('re-arms deadlines beyond setTimeout’s 24.8-day limit instead of firing at once', () => {
    let ran = false;
    const h = at(performance.now() + 30 * 86_400_000, () => {
      ran = true;
    });
    expect(ran).toBe(false);
    h.cancel();
  });
});

describe('OnceLog', () => {
  it('logs each distinct problem once and once when it clears', () => {
    const lines: string[] = [];
    const log = new OnceLog(
      (m) => lines.push(`W ${m}`),
      (m) => lines.push(`I ${m}`),
    );
    for (let i = 0; i < 5; i++) log.report('m:1', 'cannot resolve m');
    log.report('m:1', 'send failed: ENETUNREACH');
    log.report('other', undefined);
    expect(log.failing()).toEqual(['m:1']);
    for (let i = 0; i < 3; i++) log.report('m:1', undefined);
    expect(lines).toEqual([
      'W m:1: cannot resolve m',
      'W m:1: send failed: ENETUNREACH (was: cannot resolve m)',
      'I m:1: ok again (was: send failed: ENETUNREACH)',
    ]);
  });
});
