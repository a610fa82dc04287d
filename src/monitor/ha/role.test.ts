import { describe, expect, it } from 'vitest';
import { RoleTracker } from './role.js';

const opts = { monitorId: 'a', ttlMs: 3000, marginMs: 500 };
const mine = (epoch: number) => ({ held: true, holder: 'a', epoch, expiresAt: 0 });
const theirs = (epoch: number) => ({ held: false, holder: 'b', epoch, expiresAt: 0 });

describe('RoleTracker', () => {
  it('becomes active on a held lease, until ttl - margin after the request was sent', () => {
    const r = new RoleTracker(opts);
    expect(r.role(0)).toBe('standby');
    expect(r.onResult(1000, mine(4), 1200)).toEqual([{ kind: 'became-active', epoch: 4, at: 1200 }]);
    expect(r.role(1200)).toBe('active');
    expect(r.fence(1200)).toBe(4);
    expect(r.deadline).toBe(3500); // 1000 + 3000 - 500, not 1200 + ...
    expect(r.role(3499)).toBe('active');
    expect(r.role(3500)).toBe('standby');
    expect(r.fence(3500)).toBeUndefined();
  });

  it('extends the local deadline on each renewal at the same epoch, with no new transition', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(1), 10);
    expect(r.onResult(1000, mine(1), 1010)).toEqual([]);
    expect(r.deadline).toBe(3500);
    expect(r.epoch).toBe(1);
    expect(r.leader).toBe('a');
  });

  it('does not act on an answer that came back after its own deadline (a pause in between)', () => {
    const r = new RoleTracker(opts);
    // Sent at 0, the process was stopped for 10 s, the answer is read at 10,000.
    expect(r.onResult(0, mine(7), 10_000)).toEqual([]);
    expect(r.role(10_000)).toBe('standby');
  });

  it('a paused active finds itself standby the moment it runs again', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(2), 5);
    // No renewal ran while paused; the first thing it asks after 9 s is its role.
    expect(r.role(9000)).toBe('standby');
    expect(r.fence(9000)).toBeUndefined();
    expect(r.check(9000)).toEqual([{ kind: 'stepped-down', epoch: 2, reason: 'lease-expired', at: 9000 }]);
    expect(r.check(9001)).toEqual([]);
  });

  it('steps down when the store names another holder', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(1), 5);
    expect(r.onResult(1000, theirs(2), 1005)).toEqual([
      { kind: 'stepped-down', epoch: 1, reason: 'lease-lost', at: 1005 },
    ]);
    expect(r.leader).toBe('b');
    expect(r.epoch).toBe(2);
  });

  it('steps down and up again when it renews at another epoch (the lease lapsed in between)', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(1), 5);
    expect(r.onResult(1000, mine(3), 1005).map((t) => t.kind)).toEqual(['stepped-down', 'became-active']);
    expect(r.fence(1005)).toBe(3);
  });

  it('store errors end the role only at the local deadline', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(1), 5);
    expect(r.onError(2000)).toEqual([]);
    expect(r.role(2000)).toBe('active');
    expect(r.onError(2500).map((t) => t.kind)).toEqual(['stepped-down']);
  });

  it('steps down on a refused fenced write of its epoch only', () => {
    const r = new RoleTracker(opts);
    r.onResult(0, mine(5), 5);
    expect(r.onFenced(4, 10)).toEqual([]);
    expect(r.onFenced(5, 10)).toEqual([{ kind: 'stepped-down', epoch: 5, reason: 'fenced', at: 10 }]);
    expect(r.role(10)).toBe('standby');
  });

  it('a standby that sees the lease held by someone else stays standby quietly', () => {
    const r = new RoleTracker(opts);
    expect(r.onResult(0, theirs(1), 5)).toEqual([]);
    expect(r.release(10)).toEqual([]);
  });
});
