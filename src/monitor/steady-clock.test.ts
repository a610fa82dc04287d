import { describe, expect, it } from 'vitest';
import { SteadyClock } from './steady-clock.js';

function fake() {
  const t = { wall: 1_000_000, mono: 0 };
  const clock = new SteadyClock(
    () => t.wall,
    () => t.mono,
  );
  const advance = (ms: number) => {
    t.wall += ms;
    t.mono += ms;
  };
  return { t, clock, advance };
}

describe('SteadyClock', () => {
  it('follows the wall clock while both advance together', () => {
    const { clock, advance } = fake();
    advance(5000);
    expect(clock.now()).toBe(1_005_000);
  });

  it('slews a small wall-clock step at 1 % instead of jumping', () => {
    const { t, clock, advance } = fake();
    clock.now();
    t.wall += 2000; // NTP steps the system clock forward by 2 s
    advance(1000);
    expect(clock.now()).toBe(1_001_010); // 1 s elapsed + at most 10 ms of correction
    for (let k = 0; k < 300; k++) {
      advance(1000);
      clock.now();
    }
    expect(clock.now()).toBe(t.wall); // caught up after ~200 s
  });

  it('never runs backwards when the wall clock steps back a little', () => {
    const { t, clock, advance } = fake();
    let prev = clock.now();
    t.wall -= 5000;
    for (let k = 0; k < 100; k++) {
      advance(100);
      const now = clock.now();
      expect(now).toBeGreaterThanOrEqual(prev);
      prev = now;
    }
  });

  it('takes a step above a minute at once', () => {
    const { t, clock, advance } = fake();
    clock.now();
    t.wall += 3_600_000;
    advance(10);
    expect(clock.now()).toBe(t.wall);
  });
});
