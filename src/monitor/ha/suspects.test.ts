import { describe, expect, it } from 'vitest';
import { DOWN, HostRegistry, UP } from '../host-registry.js';
import { SuspectTracker } from './suspects.js';

function registry(n: number): HostRegistry {
  const r = new HostRegistry(16);
  for (let i = 0; i < n; i++) r.add(`h${i}`, 'agent', 1000);
  return r;
}

describe('SuspectTracker', () => {
  it('publishes a host whose deadline passed, once, and removes it when it is heard again', () => {
    const reg = registry(3);
    const t = new SuspectTracker(reg);
    t.setPublished([]);
    expect(t.noteDue(1)).toBe(true);
    expect(t.noteDue(1)).toBe(false);
    const b1 = t.next();
    expect(b1).toEqual({ add: ['h1'], remove: [] });
    t.ack(b1);
    expect(t.next()).toEqual({ add: [], remove: [] }); // nothing changed: nothing to write
    reg.lastBeatAt[1] = 5000; // a beat
    const b2 = t.next();
    expect(b2).toEqual({ add: [], remove: ['h1'] });
    t.ack(b2);
    expect(t.next()).toEqual({ add: [], remove: [] });
    expect(t.size).toBe(0);
  });

  it('keeps a failed batch for the next publish (not acked: the diff still has it)', () => {
    const reg = registry(2);
    const t = new SuspectTracker(reg);
    t.setPublished([]);
    t.noteDue(0);
    expect(t.next().add).toEqual(['h0']);
    expect(t.next().add).toEqual(['h0']);
  });

  it('removes rows an earlier run left behind, and seeds hosts down at start', () => {
    const reg = registry(3);
    reg.setState(2, DOWN, 1000);
    const t = new SuspectTracker(reg);
    t.seed();
    expect(t.ready).toBe(false);
    t.setPublished(['h0', 'gone']);
    expect(t.next()).toEqual({ add: ['h2'], remove: ['h0', 'gone'] });
  });

  it('bounds a batch for a mass outage, removals first, and catches up over several publishes', () => {
    const reg = registry(250);
    const t = new SuspectTracker(reg, 100);
    t.setPublished(['x1', 'x2']);
    for (let i = 0; i < 250; i++) t.noteDue(i);
    const sizes: number[] = [];
    for (let k = 0; k < 5; k++) {
      const b = t.next();
      if (k === 0) expect(b.remove).toEqual(['x1', 'x2']);
      sizes.push(b.add.length + b.remove.length);
      t.ack(b);
    }
    expect(sizes).toEqual([100, 100, 52, 0, 0]);
  });

  it('treats a host heard and then silent again as a new suspect, not the old one', () => {
    const reg = registry(1);
    const t = new SuspectTracker(reg);
    t.setPublished([]);
    t.noteDue(0);
    reg.lastBeatAt[0] = 2000;
    expect(t.isSuspect(0)).toBe(false);
    expect(t.noteDue(0)).toBe(true);
    expect(t.has('h0')).toBe(true);
    expect(reg.state[0]).toBe(UP);
  });

  it('lists hosts other monitors list but this one never heard, until it hears them', () => {
    const reg = registry(1);
    const t = new SuspectTracker(reg);
    t.setPublished([]);
    expect(t.setUnknown(['h0', 'new-1', 'new-1'])).toBe(1); // h0 is known here: not taken
    expect(t.next()).toEqual({ add: ['new-1'], remove: [] });
    t.ack({ add: ['new-1'], remove: [] });
    expect(t.setUnknown(['new-1'])).toBe(0);
    reg.add('new-1', 'agent', 9000); // heard here at last
    expect(t.next()).toEqual({ add: [], remove: ['new-1'] });
  });
});
