import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SweepResult, SweepTarget } from '../types.js';
import { asResult, Collector, uniqueTargets } from './collector.js';

const target = (spec: string): SweepTarget => ({ spec, host: spec.replace(/^.*@/, ''), port: 22, user: 'u' });
const ok = (spec: string, uptimeSeconds = 100): SweepResult => ({
  status: 'ok',
  target: spec,
  host: spec,
  at: 1000,
  durationMs: 5,
  uptimeSeconds,
  bootedAt: new Date(1000 - uptimeSeconds * 1000).toISOString(),
  load1: 0,
  load5: 0,
  load15: 0,
});
const err = (spec: string): SweepResult => ({
  status: 'error',
  target: spec,
  host: spec,
  at: 1000,
  durationMs: 5,
  errorClass: 'refused',
  message: 'connect ECONNREFUSED',
});

describe('Collector', () => {
  it('lets each host through once and ignores a retried job’s second result', () => {
    const c = new Collector([target('a'), target('b')]);
    expect(c.accept(JSON.stringify(ok('a', 1))).kind).toBe('new');
    const again = c.accept(JSON.stringify(ok('a', 2)));
    expect(again).toEqual({ kind: 'duplicate', spec: 'a' });
    expect(c.done).toBe(1);
    expect(c.complete).toBe(false);
    expect(c.accept(JSON.stringify(err('b'))).kind).toBe('new');
    expect(c.complete).toBe(true);
    expect([c.ok, c.failed, c.total]).toEqual([1, 1, 2]);
  });

  it('ignores results for hosts outside the sweep', () => {
    const c = new Collector([target('a')]);
    expect(c.accept(JSON.stringify(ok('zzz')))).toEqual({ kind: 'foreign', spec: 'zzz' });
    expect(c.done).toBe(0);
  });

  it('rejects payloads that are not results without counting them', () => {
    const c = new Collector([target('a')]);
    expect(c.accept('{not json').kind).toBe('malformed');
    expect(
      c.accept(JSON.stringify({ status: 'ok', target: 'a', host: 'a', at: 1, durationMs: 1 })).kind,
    ).toBe('malformed');
    expect(c.accept(JSON.stringify({ ...err('a'), errorClass: undefined })).kind).toBe('malformed');
    expect(c.accept('null').kind).toBe('malformed');
    expect(c.done).toBe(0);
  });

  it('lists the hosts still waiting for a result', () => {
    const c = new Collector([target('a'), target('b'), target('c')]);
    c.accept(JSON.stringify(ok('b')));
    expect([...c.remaining()]).toEqual(['a', 'c']);
    expect(c.has('b')).toBe(true);
  });

  it('emits every host exactly once for any replay order with duplicates', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (specs, picks) => {
          const c = new Collector(specs.map(target));
          // A stream with retries: random picks, then every host once more (replay).
          const stream = [...picks.map((p) => specs[p % specs.length] as string), ...specs];
          const emitted: string[] = [];
          for (const s of stream) {
            const r = c.accept(JSON.stringify(ok(s)));
            if (r.kind === 'new') emitted.push(r.result.target);
          }
          expect(emitted.sort()).toEqual([...specs].sort());
          expect(c.complete).toBe(true);
        },
      ),
    );
  });
});

describe('asResult', () => {
  it('accepts ok and error results as produced by the probe', () => {
    expect(asResult(ok('a'))).toEqual(ok('a'));
    expect(asResult(err('a'))).toEqual(err('a'));
  });
  it('names what is missing', () => {
    expect(asResult({ status: 'maybe', target: 'a', host: 'a', at: 1, durationMs: 1 })).toBe(
      'unknown status',
    );
    expect(asResult({ status: 'ok', host: 'a' })).toBe('no target');
  });
});

describe('uniqueTargets', () => {
  it('keeps the first of repeated specs, in order', () => {
    expect(uniqueTargets([target('a'), target('b'), target('a')]).map((t) => t.spec)).toEqual(['a', 'b']);
  });
});
