import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { checkSweepId, jobIdFor, newSweepId, runKeys } from './keys.js';

describe('jobIdFor', () => {
  it('gives the same id for the same sweep and host, so a retried enqueue never doubles', () => {
    expect(jobIdFor('s1', 'root@[::1]:22')).toBe(jobIdFor('s1', 'root@[::1]:22'));
  });
  it('differs across hosts and across sweeps', () => {
    expect(jobIdFor('s1', 'a')).not.toBe(jobIdFor('s1', 'b'));
    expect(jobIdFor('s1', 'a')).not.toBe(jobIdFor('s2', 'a'));
  });
  it('never contains ":" (BullMQ rejects it) and is never a bare integer', () => {
    const id = jobIdFor('123', 'user@host:2222');
    expect(id).not.toContain(':');
    expect(`${Number.parseInt(id, 10)}`).not.toBe(id);
  });
});

describe('sweep ids', () => {
  it('creates ids that pass the check and sort by time', () => {
    const a = newSweepId(1_700_000_000_000);
    const b = newSweepId(1_700_000_100_000);
    expect(checkSweepId(a)).toBe(a);
    expect(a < b).toBe(true);
  });
  it('rejects ids that could break Redis keys', () => {
    for (const bad of ['', 'a:b', 'a{b}', 'x y', 'a'.repeat(65)]) {
      expect(() => checkSweepId(bad)).toThrow(UsageError);
    }
  });
});

describe('runKeys', () => {
  it('puts all keys of a run in one cluster hash slot', () => {
    const k = runKeys('thump', 'abc');
    for (const key of Object.values(k)) expect(key).toContain('{abc}');
  });
});
