import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeCronWindowStart, cronMatches, parseCron } from './cron.js';

const at = (iso: string) => Date.parse(iso);

describe('parseCron', () => {
  it.each([
    ['0 2 * * 0', '2026-11-22T02:00:00Z', true], // Sunday 02:00
    ['0 2 * * 0', '2026-11-23T02:00:00Z', false], // Monday
    ['0 2 * * 7', '2026-11-22T02:00:00Z', true], // 7 is Sunday too
    ['0 2 * * sun', '2026-11-22T02:00:00Z', true],
    ['*/15 * * * *', '2026-11-23T10:45:00Z', true],
    ['*/15 * * * *', '2026-11-23T10:46:00Z', false],
    ['0-10/5 8-9 * * *', '2026-11-23T09:10:00Z', true],
    ['0-10/5 8-9 * * *', '2026-11-23T09:11:00Z', false],
    ['30 1 1,15 * *', '2026-11-15T01:30:00Z', true],
    ['0 0 1 jan *', '2027-01-01T00:00:00Z', true],
    ['0 0 1 jan *', '2027-02-01T00:00:00Z', false],
    // day-of-month OR day-of-week when both are restricted (Vixie cron)
    ['0 0 13 * 5', '2026-11-13T00:00:00Z', true],
    ['0 0 13 * 5', '2026-11-20T00:00:00Z', true],
    ['0 0 13 * 5', '2026-11-19T00:00:00Z', false],
  ])('%s at %s matches: %s', (expr, time, expected) => {
    expect(cronMatches(parseCron(expr), at(time))).toBe(expected);
  });

  it.each([
    ['* * * *', /5 cron fields/],
    ['60 * * * *', /minute: 60 is outside/],
    ['* 24 * * *', /hour/],
    ['* * 0 * *', /day of month/],
    ['* * * 13 *', /month/],
    ['*/0 * * * *', /step/],
    ['5-1 * * * *', /backwards/],
    ['a * * * *', /not a number/],
  ])('rejects %s naming the field', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(message);
  });

  it('never throws anything but an Error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseCron(s);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
    );
  });
});

describe('activeCronWindowStart', () => {
  const sundays2am = parseCron('0 2 * * 0');
  it('is inside the window for its duration after a start', () => {
    expect(activeCronWindowStart(sundays2am, 3_600_000, at('2026-11-22T02:59:59Z'))).toBe(
      at('2026-11-22T02:00:00Z'),
    );
  });
  it('is outside before the start and once the duration passed', () => {
    expect(activeCronWindowStart(sundays2am, 3_600_000, at('2026-11-22T01:59:59Z'))).toBeUndefined();
    expect(activeCronWindowStart(sundays2am, 3_600_000, at('2026-11-22T03:00:00Z'))).toBeUndefined();
  });
});
