import { describe, expect, it } from 'vitest';
import { Cluster, TIMINGS } from '../../../test/support/ha-cluster.js';

const HOSTS = ['web-1', 'web-2', 'db-1'];

/** Every host beats every second to the monitors `to(host)` picks, for `ms`. */
async function run(c: Cluster, ms: number, to: (host: string, now: number) => number[]): Promise<void> {
  let next = c.now;
  await c.advance(ms, (now) => {
    if (now < next) return;
    next = now + 1000;
    for (const h of HOSTS) c.beat(h, to(h, now));
  });
}

/** Waits (in simulated time, bounded) until `cond` holds; returns the time it took. */
async function until(c: Cluster, cond: () => boolean, maxMs: number): Promise<number> {
  const start = c.now;
  while (!cond()) {
    if (c.now - start > maxMs) throw new Error(`condition not met within ${maxMs} ms of simulated time`);
    await c.advance(10);
  }
  return c.now - start;
}

describe('HaCoordinator', () => {
  it('alone: becomes active and a silent host is down at its deadline, with no added delay', async () => {
    const c = new Cluster(1);
    const m = c.monitors[0];
    if (m === undefined) throw new Error('no monitor');
    c.start();
    await run(c, 3000, () => [0]);
    expect(m.coord.role).toBe('active');
    expect(m.coord.epoch).toBe(1);
    expect(m.coord.leader).toBe('m0');
    const lastBeat = m.core.host('web-1')?.lastBeatAt ?? 0;
    await c.advance(4000); // no beats: every host's deadline (3 s) passes
    const downs = c.store.events.filter((e) => e.type === 'down');
    expect(downs).toHaveLength(3);
    for (const d of downs) expect(d.recordedAt - (lastBeat + 3000)).toBeLessThanOrEqual(60); // one slot
    expect(m.coord.held).toBe(0);
  });

  it('takes over when the leader dies, at a higher epoch, within lease + one renewal', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    expect(c.actives()).toEqual(['m0']);
    c.monitors[0]?.kill();
    const took = await until(c, () => c.actives().includes('m1'), 10_000);
    expect(took).toBeLessThanOrEqual(TIMINGS.leaseTtlMs + TIMINGS.renewIntervalMs + 20);
    expect(c.monitors[1]?.coord.epoch).toBe(2);
    expect(c.monitors[1]?.coord.takeovers).toBe(1);
    expect(c.monitors[1]?.transitions.map((t) => t.kind)).toEqual(['became-active']);
  });

  it('a paused leader that resumes after its lease expired does not act (fenced by role)', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    const m0 = c.monitors[0];
    if (m0 === undefined) throw new Error('no monitor');
    expect(m0.coord.role).toBe('active');
    m0.paused = true; // kill -STOP
    await run(c, 6000, () => [1]);
    expect(c.actives()).toEqual(['m1']);
    // kill -CONT: before any timer or renewal runs, it already knows it must not act.
    m0.paused = false;
    expect(m0.coord.fence()).toBeUndefined();
    expect(m0.coord.role).toBe('standby');
    expect(m0.transitions.at(-1)).toMatchObject({ kind: 'stepped-down', reason: 'lease-expired' });
    const before = c.store.events.length;
    await run(c, 3000, () => [0, 1]);
    expect(c.actives()).toEqual(['m1']);
    expect(c.store.events.slice(before).every((e) => e.by === 'm1')).toBe(true);
    expect(c.store.fencedWrites).toBe(0); // it never even tried
  });

  it('steps down at its local deadline when the store stops answering, logging one error', async () => {
    const c = new Cluster(1);
    const m = c.monitors[0];
    if (m === undefined) throw new Error('no monitor');
    c.start();
    await run(c, 2000, () => [0]);
    expect(m.coord.role).toBe('active');
    c.store.hung = true; // calls in flight never return (a black-holed connection)
    const took = await until(c, () => m.coord.role === 'standby', 5000);
    expect(took).toBeLessThanOrEqual(TIMINGS.leaseTtlMs - TIMINGS.leaseMarginMs);
    expect(m.transitions.at(-1)).toMatchObject({ kind: 'stepped-down', reason: 'lease-expired' });
    // Unanswered calls time out (one lease ttl), so the loop keeps trying instead of waiting forever.
    const calls = c.store.calls;
    await run(c, 8000, () => [0]);
    expect(c.store.calls - calls).toBeGreaterThanOrEqual(2);
    // Refused instead of hanging: errors are logged once per outage, not once per call.
    c.store.down = true;
    c.store.unhang();
    await run(c, 10_000, () => [0]);
    expect(m.coord.role).toBe('standby');
    expect(m.coord.storeUp).toBe(false);
    expect(m.log.count('error')).toBe(1);
    expect(m.log.lines.find((l) => l.level === 'error')?.msg).toMatch(
      /store unreachable .*no answer from the store within 3000 ms/,
    );
    c.store.down = false;
    await until(c, () => m.coord.role === 'active', 3000);
    expect(m.coord.storeUp).toBe(true);
    expect(m.log.lines.some((l) => /store reachable again/.test(l.msg))).toBe(true);
    expect(m.coord.epoch).toBe(2); // the lease lapsed meanwhile: taken again at a new epoch
  });

  it('a lease call that never returns times out: the active steps down and the loop retries', async () => {
    const c = new Cluster(1);
    const m = c.monitors[0];
    if (m === undefined) throw new Error('no monitor');
    c.start();
    await run(c, 2000, () => [0]);
    c.store.leaseHung = true;
    await until(c, () => m.coord.role === 'standby', TIMINGS.leaseTtlMs - TIMINGS.leaseMarginMs);
    const calls = c.store.leaseCalls;
    await run(c, 7000, () => [0]);
    expect(c.store.leaseCalls - calls).toBeGreaterThanOrEqual(2);
    expect(m.log.count('error')).toBe(1);
    c.store.leaseHung = false;
    c.store.unhang();
    await until(c, () => m.coord.role === 'active', 5000);
  });

  it('two monitors: a host heard by only one of them is never down', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    // The active (m0) stops hearing web-1 only; m1 still does.
    await run(c, 20_000, (h) => (h === 'web-1' ? [1] : [0, 1]));
    expect(c.downs('web-1')).toEqual([]);
    expect(c.monitors[0]?.core.host('web-1')?.state).toBe('up');
    expect(c.monitors[0]?.coord.held).toBe(1);
    expect(c.store.suspectRows.get('m0')).toEqual(new Set(['web-1']));
    expect(c.store.suspectRows.get('m1') ?? new Set()).toEqual(new Set());
    // m0 hears it again: its row goes, nothing was ever recorded about it.
    await run(c, 3000, () => [0, 1]);
    expect(c.store.suspectRows.get('m0')).toEqual(new Set());
    expect(c.monitors[0]?.coord.held).toBe(0);
  });

  it('two monitors: a host silent to both is down exactly once, within deadline + publish interval', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    const lastBeat = c.monitors[0]?.core.host('db-1')?.lastBeatAt ?? 0;
    await run(c, 8000, (h) => (h === 'db-1' ? [] : [0, 1]));
    const downs = c.downs('db-1');
    expect(downs).toHaveLength(1);
    expect(downs[0]?.by).toBe('m0');
    expect(downs[0]?.at).toBe(lastBeat + 3000); // the deadline, as one monitor would record it
    const delay = (downs[0]?.recordedAt ?? 0) - (lastBeat + 3000);
    expect(delay).toBeLessThanOrEqual(TIMINGS.publishIntervalMs);
    // The standby found it down too (warm state), and recorded nothing.
    expect(c.monitors[1]?.core.host('db-1')?.state).toBe('down');
    expect(c.store.events.every((e) => e.by === 'm0')).toBe(true);
  });

  it('a monitor whose own network breaks (hears nobody) causes no false down, standby or active', async () => {
    for (const deaf of [1, 0]) {
      const c = new Cluster(2);
      c.start();
      await run(c, 3000, () => [0, 1]);
      await run(c, 15_000, () => [1 - deaf]);
      expect(c.store.events.filter((e) => e.type === 'down')).toEqual([]);
      for (const h of HOSTS) expect(c.monitors[deaf]?.core.host(h)?.state).toBe('up');
      expect(c.store.suspectRows.get(`m${deaf}`)).toEqual(new Set(HOSTS));
    }
  });

  it('a dead monitor cannot veto: once its row ages out the host goes down', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    // web-2 beats only to m1, then m1 dies and web-2 with it.
    await run(c, 3000, (h) => (h === 'web-2' ? [1] : [0, 1]));
    c.monitors[1]?.kill();
    await run(c, 8000, (h) => (h === 'web-2' ? [] : [0]));
    expect(c.downs('web-2')).toHaveLength(1);
    expect(c.downs('web-1')).toEqual([]);
  });

  it('gives the lease up on stop, so the standby takes over at its next renewal', async () => {
    const c = new Cluster(2);
    c.start();
    await run(c, 3000, () => [0, 1]);
    await c.monitors[0]?.coord.stop();
    c.monitors[0]?.kill();
    const took = await until(c, () => c.actives().includes('m1'), 5000);
    expect(took).toBeLessThanOrEqual(TIMINGS.renewIntervalMs + 20);
    expect(c.monitors[0]?.transitions.at(-1)).toMatchObject({ kind: 'stepped-down', reason: 'stopped' });
  });
});
