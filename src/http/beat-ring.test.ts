import { describe, expect, it } from 'vitest';
import { BeatRing } from './beat-ring.js';

describe('BeatRing', () => {
  it('returns arrivals oldest first and ignores repeats of the newest one', () => {
    const r = new BeatRing(4);
    r.record('a', 1000);
    r.record('a', 1000);
    r.record('a', 2000);
    expect(r.get('a')).toEqual([1000, 2000]);
    expect(r.get('b')).toEqual([]);
  });

  it('keeps only the newest `size` arrivals', () => {
    const r = new BeatRing(3);
    for (const t of [1, 2, 3, 4, 5]) r.record('a', t);
    expect(r.get('a')).toEqual([3, 4, 5]);
  });

  it('forgets hosts not retained', () => {
    const r = new BeatRing(3);
    r.record('a', 1);
    r.record('b', 1);
    r.retain(new Set(['b']));
    expect(r.get('a')).toEqual([]);
    expect(r.get('b')).toEqual([1]);
  });
});
