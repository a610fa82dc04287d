import { describe, expect, it } from 'vitest';
import { FLAP_WINDOW, flapPercent, nextFlapping, pushSample } from './flapping.js';

const T = { high: 30, low: 25 };

function feed(changes: boolean[]): number {
  let bits = 0;
  for (const c of changes) bits = pushSample(bits, c);
  return bits;
}

describe('flapping', () => {
  it.each([
    { name: 'no changes', samples: Array(20).fill(false), pct: 0 },
    { name: 'every sample a change', samples: Array(20).fill(true), pct: 100 },
  ])('scores $name as $pct %', ({ samples, pct }) => {
    expect(flapPercent(feed(samples))).toBeCloseTo(pct, 5);
  });

  it('weights recent changes more than old ones', () => {
    const newest = feed([...Array(19).fill(false), true]);
    const oldest = feed([true, ...Array(19).fill(false)]);
    expect(flapPercent(newest)).toBeCloseTo(6, 5);
    expect(flapPercent(oldest)).toBeCloseTo(4, 5);
  });

  it('forgets samples older than the window', () => {
    const bits = feed([true, ...Array(FLAP_WINDOW).fill(false)]);
    expect(bits).toBe(0);
  });

  it.each([
    { was: false, pct: 'above high', samples: 6, want: true },
    { was: false, pct: 'between', samples: 5, want: false },
    { was: true, pct: 'between', samples: 5, want: true },
    { was: true, pct: 'below low', samples: 4, want: false },
  ])('goes from $was to $want with $samples recent changes ($pct)', ({ was, samples, want }) => {
    // `samples` changes among the newest samples, the rest steady.
    const bits = feed([...Array(20 - samples).fill(false), ...Array(samples).fill(true)]);
    expect(nextFlapping(was, bits, T)).toBe(want);
  });
});
