import { describe, expect, it } from 'vitest';
import type { Beat } from '../protocol/types.js';
import { gaussian, seededRandom } from '../util/seeded-random.js';
import { type CoreOptions, MonitorCore } from './core.js';
import { DOWN, UP } from './host-registry.js';
import {
  addSample,
  DEFAULT_PHI_OPTIONS,
  normalUpperQuantile,
  phiAt,
  phiOnBeat,
  phiTimeout,
  phiZ,
  priorVariance,
} from './phi.js';
import type { EventType } from './types.js';

const T0 = 1_700_000_000_000;
const O = DEFAULT_PHI_OPTIONS;

describe('phi accrual maths', () => {
  // Reference values: Python's statistics.NormalDist().inv_cdf(p), negated.
  it.each([
    [1e-1, 1.2815515655446008],
    [1e-3, 3.090232306167813],
    [1e-8, 5.61200124417479],
    [1e-12, 7.034483825301132],
    [1e-16, 8.222082216130435],
    [0.025, 1.9599639845400538],
    [0.5, 0],
    [0.9, -1.2815515655446008],
  ])('the upper normal quantile of %d is %d', (p, z) => {
    expect(normalUpperQuantile(p)).toBeCloseTo(z, 7); // Acklam: relative error < 1.2e-9
  });

  it('puts the deadline 5.612 standard deviations past the mean for threshold 8', () => {
    expect(phiZ(8)).toBeCloseTo(5.61200124417479, 8);
  });

  it('rejects probabilities outside (0, 1)', () => {
    for (const p of [0, 1, -1, Number.NaN]) expect(() => normalUpperQuantile(p)).toThrow(RangeError);
  });

  it.each([1, 3, 8, 12, 16])('has phi equal to the threshold %d at mean + z x std', (threshold) => {
    const z = phiZ(threshold);
    expect(phiAt(1000 + z * 250, 1000, 250)).toBeCloseTo(threshold, 5);
    expect(phiAt(1000 + z * 250 - 50, 1000, 250)).toBeLessThan(threshold);
    expect(phiAt(1000 + z * 250 + 50, 1000, 250)).toBeGreaterThan(threshold);
  });

  it('keeps phi finite and growing far past the deadline, and small before the mean', () => {
    expect(phiAt(1000, 1000, 100)).toBeCloseTo(Math.log10(2), 6);
    expect(phiAt(0, 1000, 100)).toBeLessThan(1e-6);
    const far = phiAt(10_000, 1000, 100);
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeGreaterThan(phiAt(5_000, 1000, 100));
  });

  const z = phiZ(8);
  it.each([
    // [mean, std, interval, expected timeout, why]
    [1000, 300, 1000, Math.round(1000 + z * 300), 'mean + z x std'],
    [1000, 10, 1000, Math.round(1000 + z * 100), 'std below the 100 ms / 10 % floor'],
    [10_000, 10, 10_000, Math.round(10_000 + z * 1000), 'floor of 10 % of a 10 s interval'],
    [150, 10, 100, Math.round(150 + z * 100), 'floor of 100 ms for a 100 ms interval'],
    [1000, 5000, 1000, 10_000, 'at most 10 intervals'],
    [200, 0, 1000, 1100, 'at least one interval + the floor when beats come faster than announced'],
  ])('deadline: mean %d, std %d, interval %d -> %d (%s)', (mean, std, interval, want) => {
    expect(phiTimeout(mean, std * std, interval, z, O)).toBe(want);
  });

  it('adds the acceptable pause to the mean, still within max_timeout', () => {
    const pause = { ...O, acceptablePauseMs: 500 };
    expect(phiTimeout(1000, 300 * 300, 1000, z, pause)).toBe(Math.round(1500 + z * 300));
    expect(phiTimeout(1000, 2000 * 2000, 1000, z, pause)).toBe(10_000);
  });

  it('starts from a prior whose deadline is the fixed timeout', () => {
    const v = priorVariance(1000, 3000, z);
    expect(phiTimeout(1000, v, 1000, z, O)).toBe(3000);
    expect(priorVariance(1000, 500, z)).toBe(0);
    const pause = { ...O, acceptablePauseMs: 500 };
    expect(phiTimeout(1000, priorVariance(1000, 3000, z, 500), 1000, z, pause)).toBe(3000);
  });

  it('uses the fixed timeout until min_samples gaps, counts up to 255 and restarts on an unusable gap', () => {
    const a = { phiMean: new Float32Array(1), phiVar: new Float32Array(1), phiCount: new Uint8Array(1) };
    const beat = (gap: number) => phiOnBeat(a, 0, 1000, gap, 3000, z, O);
    expect(beat(0)).toBe(3000); // first beat: prior only
    expect([a.phiMean[0], a.phiCount[0]]).toEqual([1000, 1]);
    const out = [1, 2, 3, 4, 5, 6].map(() => beat(1000));
    expect(out.slice(0, 4)).toEqual([3000, 3000, 3000, 3000]);
    expect(out[4]).toBeLessThan(3000);
    expect(out[5]).toBeLessThan(out[4] as number);
    for (let k = 0; k < 300; k++) beat(1000);
    expect(a.phiCount[0]).toBe(255);
    expect(beat(1000)).toBe(Math.round(1000 + z * 100));
    expect(beat(-1)).toBe(3000);
    expect([a.phiMean[0], a.phiCount[0]]).toEqual([1000, 1]);
  });

  it('keeps an exponentially weighted mean and variance of the samples', () => {
    const alpha = 0.25;
    const xs = [900, 1100, 1000, 1300, 800, 1000];
    const mean = new Float32Array([1000]);
    const variance = new Float32Array([0]);
    for (const x of xs) addSample(mean, variance, 0, x, alpha);
    // Direct computation: weights alpha(1-alpha)^k on the samples, (1-alpha)^n on the prior.
    const w = xs.map((_, k) => alpha * (1 - alpha) ** (xs.length - 1 - k));
    const w0 = (1 - alpha) ** xs.length;
    const m = w0 * 1000 + xs.reduce((s, x, k) => s + (w[k] as number) * x, 0);
    expect(mean[0]).toBeCloseTo(m, 2);
    expect(variance[0]).toBeGreaterThan(0);
    for (let k = 0; k < 200; k++) addSample(mean, variance, 0, 1000, alpha);
    expect(mean[0]).toBeCloseTo(1000, 2);
    expect(variance[0]).toBeLessThan(1e-6);
  });
});

/** One host beating into a core with a hand-moved clock, ticked at every 50 ms slot. */
class Host {
  now = T0;
  seq = 0;
  boot = 'aaaaaaaaaaaaaaaa';
  readonly core: MonitorCore;
  readonly seen: Array<{ type: EventType; at: number; details: Record<string, unknown> }> = [];
  constructor(opts: Partial<CoreOptions>) {
    this.core = new MonitorCore({ slotMs: 50, ...opts });
  }
  beat(over: Partial<Beat> = {}): void {
    this.seq++;
    const b: Beat = {
      hostId: 'h',
      bootId: this.boot,
      seq: this.seq,
      sentAt: this.now,
      intervalMs: 1000,
      goodbye: false,
      uptimeSeconds: this.seq,
      load: [0, 0, 0],
      memTotalBytes: 1,
      memAvailableBytes: 1,
      diskTotalBytes: 1,
      diskUsedBytes: 1,
      checks: [],
      labels: {},
      ...over,
    };
    expect(this.core.beat(b, '127.0.0.1', 4000, this.now)).toBeUndefined();
    this.seen.push(...this.core.takeEvents());
  }
  /** Moves the clock by `ms`, ticking the detector at every slot boundary on the way. */
  wait(ms: number): void {
    const end = this.now + ms;
    // The wheel's first tick is at 0: start at the clock (the real timer does the same).
    for (let t = Math.max(this.now, this.core.nextTickAt()); t <= end; t = this.core.nextTickAt()) {
      this.now = t;
      this.core.tick(t);
    }
    this.now = end;
    this.core.tick(end);
    this.seen.push(...this.core.takeEvents());
  }
  /** Beats `n` times, waiting `gap()` ms before each beat. */
  run(n: number, gap: () => number): void {
    for (let k = 0; k < n; k++) {
      this.wait(gap());
      this.beat();
    }
  }
  count(type: EventType): number {
    return this.seen.filter((e) => e.type === type).length;
  }
  get timeoutMs(): number {
    return this.core.host('h')?.timeoutMs ?? -1;
  }
}

const phi: Partial<CoreOptions> = { detector: 'phi' };
/** Gaps of 1 s with a normal jitter of 300 ms std (at least 10 ms): 4.8 % exceed 1.5 s. */
const jittery = (seed: number) => {
  const r = seededRandom(seed);
  return () => Math.max(10, Math.round(1000 + 300 * gaussian(r)));
};
/** What a real agent does: a 1 s schedule plus 0-100 ms of random delay per beat. */
const agentLike = (seed: number) => {
  const r = seededRandom(seed);
  let prev = 0;
  return () => {
    const d = Math.round(r() * 100);
    const g = 1000 + d - prev;
    prev = d;
    return g;
  };
};

describe('MonitorCore with the phi detector', () => {
  it('gives a jittery host no false down over 10,000 beats where the fixed rule at 1.5x gives many', () => {
    const fixed = new Host({ timeoutMultiplier: 1.5 });
    fixed.beat();
    fixed.run(10_000, jittery(42));
    const adaptive = new Host(phi);
    adaptive.beat();
    adaptive.run(10_000, jittery(42));
    expect(adaptive.count('down')).toBe(0);
    expect(fixed.count('down')).toBeGreaterThan(100);
    // It learned a wide timeout: mean + 5.6 x ~300 ms, between the fixed 3 s and the 10 s cap.
    expect(adaptive.timeoutMs).toBeGreaterThan(2200);
    expect(adaptive.timeoutMs).toBeLessThan(3600);
  });

  it('calls a jittery host that stops down at its learned deadline, no later than max_timeout', () => {
    const h = new Host(phi);
    h.beat();
    h.run(2_000, jittery(7));
    const last = h.now;
    const timeout = h.timeoutMs;
    h.wait(10 * 1000 + 100);
    const down = h.seen.filter((e) => e.type === 'down');
    expect(down).toHaveLength(1);
    expect(down[0]?.at).toBe(last + timeout);
    expect(down[0]?.details.timeoutMs).toBe(timeout);
    expect((down[0]?.at ?? 0) - last).toBeLessThanOrEqual(10 * 1000);
    expect((down[0]?.details.noticedAt as number) - (down[0]?.at ?? 0)).toBeLessThanOrEqual(50);
  });

  it('caps the timeout of a host with wild gaps at max_timeout intervals', () => {
    const h = new Host({ detector: 'phi', phi: { ...O, maxTimeoutMultiplier: 4 } });
    h.beat();
    let k = 0;
    h.run(300, () => (k++ % 2 === 0 ? 100 : 2800));
    expect(h.count('down')).toBe(0);
    expect(h.timeoutMs).toBe(4000);
  });

  it('brings a steady host near interval + margin, faster than the fixed 3 intervals', () => {
    const h = new Host(phi);
    h.beat();
    h.run(300, agentLike(3));
    // std ~41 ms is below the 100 ms floor: 1000 + 5.6 x 100 (+ a few ms of mean).
    expect(h.timeoutMs).toBeGreaterThanOrEqual(1550);
    expect(h.timeoutMs).toBeLessThanOrEqual(1600);
    const last = h.now;
    h.wait(3000);
    const down = h.seen.find((e) => e.type === 'down');
    expect((down?.at ?? 0) - last).toBeLessThan(1600);
    expect(h.count('down')).toBe(1);
  });

  it('uses the fixed rule until min_samples gaps were seen, then moves towards the learned timeout', () => {
    const h = new Host(phi);
    const seen: number[] = [];
    h.beat();
    seen.push(h.timeoutMs);
    for (let k = 0; k < 6; k++) {
      h.wait(1000);
      h.beat();
      seen.push(h.timeoutMs);
    }
    expect(seen.slice(0, 5)).toEqual([3000, 3000, 3000, 3000, 3000]);
    expect(seen[5]).toBeLessThan(3000);
    expect(seen[6]).toBeLessThan(seen[5] as number);
  });

  it('starts afresh on a restart, a goodbye, a recovery and an interval change', () => {
    const h = new Host(phi);
    const i = () => h.core.reg.find('h');
    const learn = () => {
      h.run(200, agentLike(5));
      expect(h.timeoutMs).toBeLessThan(1700);
    };
    h.beat();
    learn();
    h.boot = 'bbbbbbbbbbbbbbbb'; // restart
    h.wait(1000);
    h.beat();
    expect(h.count('restarted')).toBe(1);
    expect(h.timeoutMs).toBe(3000);
    expect(h.core.reg.phiCount[i()]).toBe(1);
    learn();
    h.wait(1000);
    h.beat({ goodbye: true });
    expect(h.core.reg.phiCount[i()]).toBe(0);
    h.wait(60_000);
    h.beat();
    expect(h.timeoutMs).toBe(3000);
    learn();
    h.wait(5000); // down, then back: the gap was an outage, not a sample
    expect(h.core.reg.state[i()]).toBe(DOWN);
    h.beat();
    expect(h.core.reg.state[i()]).toBe(UP);
    expect(h.timeoutMs).toBe(3000);
    expect(h.core.reg.phiMean[i()]).toBe(1000);
    learn();
    h.wait(1000);
    h.beat({ intervalMs: 2000 });
    expect(h.count('down')).toBe(1); // only the one above
    expect(h.timeoutMs).toBe(6000);
  });

  it('gives restored hosts the fixed timeout and grace (estimates are not persisted)', () => {
    const h = new Host(phi);
    h.beat();
    h.run(200, agentLike(9));
    const stored = h.core.reg.snapshot(h.core.reg.find('h'));
    expect(stored.timeoutMs).toBeLessThan(1700);
    const again = new MonitorCore({ detector: 'phi', slotMs: 50 });
    again.restore([stored], h.now + 10_000);
    expect(again.host('h')?.timeoutMs).toBe(3000);
    again.tick(h.now + 10_000 + 2950);
    expect(again.host('h')?.state).toBe('up');
    again.tick(h.now + 10_000 + 3050);
    expect(again.host('h')?.state).toBe('down');
  });

  it('learns again after a network partition (its gap is not a sample)', () => {
    const core = new MonitorCore({ detector: 'phi', slotMs: 50 });
    const ids = ['a', 'b', 'c', 'd'];
    let now = T0;
    const beatAll = (seq: number, only = ids) => {
      for (const id of only) {
        const b = { hostId: id, bootId: 'aaaaaaaaaaaaaaaa', seq, sentAt: now, intervalMs: 1000 };
        core.beat(
          { ...(b as Beat), goodbye: false, load: [0, 0, 0], checks: [], labels: {} },
          '127.0.0.1',
          1,
          now,
        );
      }
    };
    for (let seq = 1; seq <= 100; seq++) {
      now += 1000;
      beatAll(seq);
      core.tick(now);
    }
    expect(core.host('a')?.timeoutMs).toBeLessThan(1700);
    core.takeEvents();
    for (let t = now; t <= now + 10_000; t += 50) core.tick(t);
    now += 10_000;
    expect(core.takeEvents().map((e) => e.type)).toEqual(['network']);
    expect(core.host('b')?.state).toBe('down');
    beatAll(101, ['a']);
    expect(core.takeEvents().map((e) => e.type)).toEqual(['network-recovered']);
    const b = core.reg.find('b');
    expect(core.host('b')).toMatchObject({ state: 'up', timeoutMs: 3000 });
    expect(core.reg.phiCount[b]).toBe(0);
  });

  it('reports one dead host of a healthy fleet as down at its deadline once another host beats', () => {
    const core = new MonitorCore({ detector: 'phi', slotMs: 50 });
    const send = (id: string, seq: number, now: number) =>
      core.beat(
        {
          ...({ hostId: id, bootId: 'aaaaaaaaaaaaaaaa', seq, sentAt: now, intervalMs: 1000 } as Beat),
          load: [0, 0, 0],
          checks: [],
          labels: {},
        },
        '127.0.0.1',
        1,
        now,
      );
    // Four hosts 250 ms apart; 'a' stops after 100 beats.
    let now = T0;
    for (let seq = 1; seq <= 103; seq++) {
      for (const [k, id] of ['a', 'b', 'c', 'd'].entries()) {
        if (id === 'a' && seq > 100) continue;
        for (; now < T0 + seq * 1000 + k * 250; now += 10) core.tick(now);
        send(id, seq, now);
      }
    }
    const down = core.takeEvents().filter((e) => e.type !== 'new');
    expect(down.map((e) => e.type)).toEqual(['down']);
    const timeout = down[0]?.details.timeoutMs as number;
    expect(timeout).toBeLessThan(1700);
    expect(down[0]?.at).toBe((down[0]?.details.lastBeatAt as number) + timeout);
    // Held until the next beat from anyone (at most 250 ms here), never longer than the fixed 3 s.
    expect((down[0]?.details.noticedAt as number) - (down[0]?.at as number)).toBeLessThanOrEqual(300);
  });

  it('keeps the fixed rule when the detector is fixed', () => {
    const h = new Host({});
    h.beat();
    h.run(200, agentLike(1));
    expect(h.timeoutMs).toBe(3000);
  });
});
