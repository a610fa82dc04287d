import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { formatDuration, MAX_TIMER_MS, parseDuration, parseTimeoutMs, tryParseDuration } from './duration.js';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;

describe('tryParseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    ['1m30s500ms', 90_500],
    ['1.5s', 1_500],
    ['0.5m', 30_000],
    ['0s', 0],
    ['5', 5_000],
    ['1.5', 1_500],
    ['0', 0],
    [' 10s ', 10_000],
    ['0.0004s', 0],
  ])('reads %j as %i ms', (text, ms) => {
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each([
    [''],
    ['   '],
    ['s'],
    ['10'.concat('x')],
    ['10 s'],
    ['-5s'],
    ['+5s'],
    ['.5s'],
    ['5.s'],
    ['1e3'],
    ['10sec'],
    ['10S'],
    ['1h 30m'],
    ['5s!'],
    ['NaN'],
    ['Infinity'],
    ['0x10s'],
  ])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
  });

  it('adds up any sequence of unit parts', () => {
    const part = fc.tuple(
      fc.integer({ min: 0, max: 10_000 }),
      fc.constantFrom<Unit>('w', 'd', 'h', 'm', 's', 'ms'),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([n, u]) => `${n}${u}`).join('');
        const expected = parts.reduce((sum, [n, u]) => sum + n * UNIT_MS[u], 0);
        expect(tryParseDuration(text)).toBe(expected);
      }),
    );
  });

  it('reads a bare number as seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (n) => {
        expect(tryParseDuration(String(n))).toBe(n * 1000);
      }),
    );
  });

  it('never throws and never returns a negative or fractional value', () => {
    const durationish = fc
      .array(fc.constantFrom('1', '0', '9', '.', 'ms', 's', 'm', 'h', 'd', 'w', ' ', '-', 'x'), {
        maxLength: 12,
      })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), durationish), (text) => {
        const ms = tryParseDuration(text);
        if (ms !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(ms)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseDuration', () => {
  it('returns milliseconds for a valid duration', () => {
    expect(parseDuration('5s', '--interval')).toBe(5_000);
  });

  it('rejects a duration too large to represent instead of returning Infinity', () => {
    expect(() => parseDuration(`${'9'.repeat(400)}s`, '--interval')).toThrow(/--interval/);
    expect(tryParseDuration('9'.repeat(400))).toBeUndefined();
  });

  it('throws a UsageError naming the flag and giving examples', () => {
    let err: unknown;
    try {
      parseDuration('soon', '--interval');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      '--interval: "soon" is not a duration; use a number with a unit, e.g. 500ms, 10s, 5m, 1h, 2d',
    );
  });
});

describe('parseTimeoutMs', () => {
  it.each([
    ['5s', 5_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['5000', 5_000],
    ['1', 1],
    [' 250 ', 250],
    ['24d', 24 * 86_400_000],
    [String(MAX_TIMER_MS), MAX_TIMER_MS],
  ])('reads %j as %i ms (a bare number is milliseconds)', (text, ms) => {
    expect(parseTimeoutMs(text, '--timeout')).toBe(ms);
  });

  it.each([
    ['soon', '--timeout: "soon" is not a duration; use a number with a unit, e.g. 500ms, 10s, 5m, 1h, 2d'],
    [
      '1.5',
      '--timeout: "1.5" is not a duration; a bare number is whole milliseconds (5000), or give a unit: 500ms, 5s',
    ],
    ['0', '--timeout: "0" must be longer than zero'],
    ['0s', '--timeout: "0s" must be longer than zero'],
    ['25d', '--timeout: "25d" is longer than a timer can wait (24d20h)'],
    [String(MAX_TIMER_MS + 1), `--timeout: "${MAX_TIMER_MS + 1}" is longer than a timer can wait (24d20h)`],
    ['-5s', '--timeout: "-5s" is not a duration; use a number with a unit, e.g. 500ms, 10s, 5m, 1h, 2d'],
  ])('rejects %j with a UsageError naming the flag', (text, message) => {
    let err: unknown;
    try {
      parseTimeoutMs(text, '--timeout');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [950, '950ms'],
    [1_000, '1s'],
    [1_500, '1s'],
    [12_000, '12s'],
    [60_000, '1m'],
    [303_000, '5m3s'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [86_400_000, '1d'],
    [273_600_000, '3d4h'],
    [-12_000, '-12s'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes text the parser reads back to at most the input, losing at most the smallest shown unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 * 86_400_000 }), (ms) => {
        const text = formatDuration(ms);
        const back = tryParseDuration(text);
        expect(back).toBeDefined();
        // Below a second it rounds; above, it truncates to s (or m when hours, h when days show).
        const unit = ms < 1000 ? 1 : ms < 3_600_000 ? 1000 : ms < 86_400_000 ? 60_000 : 3_600_000;
        expect(Math.abs(ms - (back as number))).toBeLessThan(unit);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [999.4, '999ms'],
    [999.5, '1s'],
    [999.6, '1s'],
    [-999.6, '-1s'],
    [0.4, '0ms'],
    [-0.4, '0ms'],
    [-0, '0ms'],
    [-0.5, '-1ms'],
    [59_960, '59s'],
    [59_999.4, '59s'],
    [59_999.6, '1m'],
    [3_599_900, '59m59s'],
    [3_599_999.6, '1h'],
    [86_399_999.6, '1d'],
    [-86_399_999.6, '-1d'],
  ])('writes %d ms as %s (whole ms first, then truncated to the unit shown)', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes a fractional duration like the nearest whole millisecond', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100 * 86_400_000, noNaN: true }), (ms) => {
        expect(formatDuration(ms)).toBe(formatDuration(Math.round(ms)));
      }),
      { numRuns: 2000 },
    );
  });

  it('never writes a negative zero', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.4999, max: 0, noNaN: true }), (ms) => {
        expect(formatDuration(ms)).toBe('0ms');
      }),
    );
  });

  it('puts a minus sign in front of negative durations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 1e10 }), (ms) => {
        expect(formatDuration(-ms)).toBe(`-${formatDuration(ms)}`);
      }),
    );
  });
});
