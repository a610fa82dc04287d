import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProbeOutput, parseUptimeLine } from './uptime-parse.js';

const D = 86400;
const H = 3600;
const M = 60;

// Real outputs collected from the named systems.
const UPTIME_LINES: Array<[string, string, number, number | undefined, [number, number, number]]> = [
  [
    'procps 4 (Debian 12)',
    ' 18:43:53 up 7 min,  0 user,  load average: 0.50, 0.59, 0.34',
    7 * M,
    0,
    [0.5, 0.59, 0.34],
  ],
  [
    'procps, minutes',
    ' 10:14:32 up 5 min,  1 user,  load average: 0.08, 0.03, 0.01',
    5 * M,
    1,
    [0.08, 0.03, 0.01],
  ],
  [
    'procps, hours',
    ' 10:14:32 up  1:05,  2 users,  load average: 1.00, 0.50, 0.25',
    H + 5 * M,
    2,
    [1, 0.5, 0.25],
  ],
  [
    'procps, one day',
    ' 09:12:01 up 1 day,  9:39,  3 users,  load average: 0.00, 0.01, 0.05',
    D + 9 * H + 39 * M,
    3,
    [0, 0.01, 0.05],
  ],
  [
    'procps, days',
    ' 22:52:10 up 10 days, 22:52,  3 users,  load average: 2.13, 1.98, 1.87',
    10 * D + 22 * H + 52 * M,
    3,
    [2.13, 1.98, 1.87],
  ],
  [
    'procps, days and min',
    ' 07:00:00 up 3 days, 0 min,  1 user,  load average: 0.00, 0.00, 0.00',
    3 * D,
    1,
    [0, 0, 0],
  ],
  [
    'procps, whole days',
    ' 07:00:00 up 10 days,  1 user,  load average: 0.10, 0.20, 0.30',
    10 * D,
    1,
    [0.1, 0.2, 0.3],
  ],
  [
    'BusyBox, no users field',
    ' 10:14:32 up 1 day,  2:03,  load average: 0.00, 0.00, 0.00',
    D + 2 * H + 3 * M,
    undefined,
    [0, 0, 0],
  ],
  [
    'BusyBox, minutes',
    ' 10:14:32 up 5 min,  load average: 0.42, 0.17, 0.06',
    5 * M,
    undefined,
    [0.42, 0.17, 0.06],
  ],
  [
    'BusyBox, days only',
    ' 00:01:02 up 10 days,  load average: 0.01, 0.02, 0.03',
    10 * D,
    undefined,
    [0.01, 0.02, 0.03],
  ],
  [
    'FreeBSD, days hh:mm',
    '10:14AM  up 10 days, 22:52, 2 users, load averages: 0.10, 0.20, 0.30',
    10 * D + 22 * H + 52 * M,
    2,
    [0.1, 0.2, 0.3],
  ],
  [
    'FreeBSD, hrs',
    ' 3:02PM  up 3 days, 2 hrs, 1 user, load averages: 0.52, 0.58, 0.59',
    3 * D + 2 * H,
    1,
    [0.52, 0.58, 0.59],
  ],
  [
    'FreeBSD, mins',
    ' 3:02PM  up 5 mins, 1 user, load averages: 0.52, 0.58, 0.59',
    5 * M,
    1,
    [0.52, 0.58, 0.59],
  ],
  ['FreeBSD, secs', ' 3:02PM  up 45 secs, 0 users, load averages: 1.20, 0.30, 0.10', 45, 0, [1.2, 0.3, 0.1]],
  [
    'macOS, days',
    '10:14  up 10 days, 22:52, 2 users, load averages: 1.51 1.62 1.71',
    10 * D + 22 * H + 52 * M,
    2,
    [1.51, 1.62, 1.71],
  ],
  ['macOS, mins', '9:01  up 3 mins, 1 user, load averages: 2.91 1.73 0.74', 3 * M, 1, [2.91, 1.73, 0.74]],
  [
    'macOS, one day hh:mm',
    '9:01  up 1 day,  9:39, 3 users, load averages: 1.00 1.00 1.00',
    D + 9 * H + 39 * M,
    3,
    [1, 1, 1],
  ],
  [
    'comma decimals (de_DE)',
    ' 10:14:32 up 2 days,  3:04,  1 user,  load average: 0,08, 0,03, 0,01',
    2 * D + 3 * H + 4 * M,
    1,
    [0.08, 0.03, 0.01],
  ],
];

describe('parseUptimeLine', () => {
  it.each(UPTIME_LINES)('parses %s', (_name, line, seconds, users, loads) => {
    const r = parseUptimeLine(line);
    expect(r).toBeDefined();
    expect(r?.uptimeSeconds).toBe(seconds);
    expect(r?.users).toBe(users);
    expect([r?.load1, r?.load5, r?.load15]).toEqual(loads);
    expect(r?.source).toBe('uptime');
  });

  it.each([
    ['empty', ''],
    ['a shell error', 'sh: uptime: not found'],
    ['no load part', ' 10:14:32 up 5 min,  1 user'],
    ['unknown unit', ' 10:14 up 5 fortnights, 1 user, load average: 0.1, 0.1, 0.1'],
    ['missing loads', ' 10:14 up 5 min, 1 user, load average: 0.1'],
  ])('rejects %s', (_name, line) => {
    expect(parseUptimeLine(line)).toBeUndefined();
  });
});

describe('parseProbeOutput', () => {
  it('reads /proc/uptime and /proc/loadavg exactly', () => {
    const r = parseProbeOutput('437.96 574.00\n0.50 0.59 0.34 1/95 11528\n');
    expect(r).toEqual({ uptimeSeconds: 437.96, load1: 0.5, load5: 0.59, load15: 0.34, source: 'proc' });
  });

  it('reads a long-running host whose idle time exceeds its uptime', () => {
    const r = parseProbeOutput('8640000.12 34000000.55\n12.01 8.50 4.25 3/1204 998877\n');
    expect(r).toMatchObject({ uptimeSeconds: 8640000.12, load1: 12.01, source: 'proc' });
  });

  it('falls back to the uptime line when /proc is missing', () => {
    const r = parseProbeOutput('10:14  up 10 days, 22:52, 2 users, load averages: 1.51 1.62 1.71\n');
    expect(r).toMatchObject({ uptimeSeconds: 10 * D + 22 * H + 52 * M, users: 2, source: 'uptime' });
  });

  it('finds the uptime line below a login banner', () => {
    const r = parseProbeOutput('Welcome!\n 10:14:32 up 5 min,  load average: 0.42, 0.17, 0.06\n');
    expect(r).toMatchObject({ uptimeSeconds: 300, source: 'uptime' });
  });

  it('reports unrecognised output as an error with the text', () => {
    const r = parseProbeOutput('sh: 1: uptime: not found\n');
    expect(r).toEqual({ error: expect.stringContaining('uptime: not found') });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseProbeOutput(s);
        if ('error' in r) return true;
        return Number.isFinite(r.uptimeSeconds) && r.uptimeSeconds >= 0;
      }),
    );
  });
});
