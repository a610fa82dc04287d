import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tryParseIsoTime } from './iso-time.js';

describe('tryParseIsoTime', () => {
  it.each([
    ['2026-01-31T02:00:00Z', Date.UTC(2026, 0, 31, 2)],
    ['2026-01-31T02:00Z', Date.UTC(2026, 0, 31, 2)],
    ['2026-01-31T02:00:00.5Z', Date.UTC(2026, 0, 31, 2, 0, 0, 500)],
    ['2026-01-31T02:00:00.123456789Z', Date.UTC(2026, 0, 31, 2, 0, 0, 123)],
    ['2026-01-31T03:00:00+01:00', Date.UTC(2026, 0, 31, 2)],
    ['2026-01-30T21:30:00-04:30', Date.UTC(2026, 0, 31, 2)],
    ['2026-01-31t02:00:00z', Date.UTC(2026, 0, 31, 2)],
    [' 2026-01-31T02:00:00Z ', Date.UTC(2026, 0, 31, 2)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['0050-01-01T00:00:00Z', Date.parse('0050-01-01T00:00:00Z')],
  ])('reads %j', (text, ms) => {
    expect(tryParseIsoTime(text)).toBe(ms);
  });

  it.each([
    ['1'],
    ['March 7'],
    ['tomorrow'],
    [''],
    ['2026-01-31'],
    ['2026-01-31T02:00:00'],
    ['2026-01-31 02:00:00Z'],
    ['2026-01-31T02:00:00+0100'],
    ['2026-01-31T02:00:00+01'],
    ['2026-02-30T00:00:00Z'],
    ['2026-02-29T00:00:00Z'],
    ['1900-02-29T00:00:00Z'],
    ['2026-04-31T00:00:00Z'],
    ['2026-13-01T00:00:00Z'],
    ['2026-00-10T00:00:00Z'],
    ['2026-01-00T00:00:00Z'],
    ['2026-01-31T24:00:00Z'],
    ['2026-01-31T23:60:00Z'],
    ['2026-01-31T23:59:60Z'],
    ['2026-01-31T02:00:00+24:00'],
    ['2026-01-31T02:00:00+01:60'],
    ['+002026-01-31T02:00:00Z'],
    ['Sat, 31 Jan 2026 02:00:00 GMT'],
    ['1769824800000'],
  ])('rejects %j', (text) => {
    expect(tryParseIsoTime(text)).toBeUndefined();
  });

  it('reads back every instant written by toISOString', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (d) => {
          expect(tryParseIsoTime(d.toISOString())).toBe(d.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with Date.parse on everything it accepts (config silences are stored with Date.parse)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two(13),
        two(32),
        two(24),
        two(60),
        fc.option(two(60)),
        fc.option(fc.integer({ min: 0, max: 999_999 }).map(String)),
        fc.constantFrom('Z', 'z', '+01:00', '-04:30', '+23:59', '+14:00', '-00:00'),
      )
      .map(
        ([y, mo, d, h, mi, s, f, z]) =>
          `${y}-${mo}-${d}T${h}:${mi}${s === null ? '' : `:${s}${f === null ? '' : `.${f}`}`}${z}`,
      );
    fc.assert(
      fc.property(text, (t) => {
        const ms = tryParseIsoTime(t);
        if (ms !== undefined) expect(ms).toBe(Date.parse(t));
      }),
      { numRuns: 3000 },
    );
  });
});
