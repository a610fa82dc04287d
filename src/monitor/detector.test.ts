import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineWheel } from './detector.js';

function run(w: DeadlineWheel, from: number, to: number, step: number) {
  const fired: Array<{ i: number; deadline: number; at: number }> = [];
  for (let t = from; t <= to; t += step) w.advance(t, (i, deadline) => fired.push({ i, deadline, at: t }));
  return fired;
}

describe('DeadlineWheel', () => {
  it('fires a deadline at the first advance at or after it, within one slot', () => {
    const w = new DeadlineWheel(8, { slotMs: 50, slots: 64 });
    w.set(0, 1_000_030);
    const fired = run(w, 1_000_000, 1_001_000, 10);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.i).toBe(0);
    expect(fired[0]?.at).toBeGreaterThanOrEqual(1_000_030);
    expect((fired[0]?.at ?? 0) - 1_000_030).toBeLessThanOrEqual(50);
  });

  it('does not fire when the deadline is pushed later by a beat (lazy re-bucketing)', () => {
    const w = new DeadlineWheel(8, { slotMs: 50, slots: 64 });
    w.set(3, 1000);
    w.set(3, 5000); // beat before the first deadline
    const early = run(w, 0, 4990, 10);
    expect(early).toEqual([]);
    const late = run(w, 5000, 5100, 10);
    expect(late.map((f) => f.deadline)).toEqual([5000]);
    expect(w.scheduled).toBe(0);
  });

  it('moves a host to an earlier bucket when its deadline comes closer', () => {
    const w = new DeadlineWheel(8, { slotMs: 50, slots: 64 });
    w.set(1, 10_000);
    w.set(1, 200);
    expect(run(w, 0, 300, 10).map((f) => f.at)).toEqual([200]);
  });

  it('never fires a cleared host', () => {
    const w = new DeadlineWheel(8, { slotMs: 50, slots: 64 });
    w.set(1, 100);
    w.set(2, 100);
    w.clear(1);
    expect(run(w, 0, 500, 10).map((f) => f.i)).toEqual([2]);
  });

  it('handles deadlines beyond one wheel rotation', () => {
    const w = new DeadlineWheel(4, { slotMs: 10, slots: 16 }); // 160 ms span
    w.set(0, 1000);
    const fired = run(w, 0, 1200, 7);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.at).toBeGreaterThanOrEqual(1000);
    expect((fired[0]?.at ?? 0) - 1000).toBeLessThanOrEqual(17);
  });

  it('catches up after a long stall without losing deadlines', () => {
    const w = new DeadlineWheel(4, { slotMs: 10, slots: 16 });
    w.set(0, 50);
    w.set(1, 400);
    w.set(2, 5000);
    const fired: number[] = [];
    w.advance(0, () => {});
    w.advance(1000, (i) => fired.push(i));
    expect(fired.sort()).toEqual([0, 1]);
    w.advance(5010, (i) => fired.push(i));
    expect(fired).toEqual([0, 1, 2]);
  });

  it('keeps state across growth', () => {
    const w = new DeadlineWheel(2, { slotMs: 10, slots: 16 });
    w.set(0, 100);
    w.set(1, 120);
    w.grow(4);
    w.set(3, 110);
    expect(run(w, 0, 200, 5).map((f) => f.i)).toEqual([0, 3, 1]);
  });

  it('fires every deadline exactly once, never early and at most one slot late (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 3000 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 40 }),
        (ops, step) => {
          const w = new DeadlineWheel(16, { slotMs: 20, slots: 32 });
          const want = new Map<number, number>();
          for (const [i, d] of ops) {
            w.set(i, d + 1000);
            want.set(i, d + 1000);
          }
          const got = new Map<number, number>();
          for (let t = 900; t <= 4200; t += step) {
            w.advance(t, (i, deadline) => {
              expect(got.has(i)).toBe(false);
              expect(t).toBeGreaterThanOrEqual(deadline);
              expect(t - deadline).toBeLessThanOrEqual(20 + step);
              got.set(i, deadline);
            });
          }
          expect(got).toEqual(want);
        },
      ),
    );
  });
});
