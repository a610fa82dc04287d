import { describe, expect, it } from 'vitest';
import { runCommand } from '../../test/support/cli.js';
import { ResourceError, UsageError } from '../errors.js';
import { formatSilences, register, TABLE_GLOB_WIDTH, truncateCell } from './silence.js';

describe('formatSilences', () => {
  it('prints an aligned table with the window of one-off and cron silences', () => {
    const out = formatSilences([
      {
        id: 12,
        hostGlob: 'web-*',
        state: 'active',
        startsAt: '2026-11-23T12:00:00.000Z',
        endsAt: '2026-11-23T14:00:00.000Z',
        comment: 'kernel',
        createdBy: 'cli:ops',
        origin: 'api',
      },
      {
        id: 3,
        hostGlob: '*',
        state: 'pending',
        startsAt: '1970-01-01T00:00:00.000Z',
        endsAt: null,
        cron: '0 2 * * 0',
        durationMs: 3_600_000,
        comment: 'backup',
        createdBy: 'thump.yaml',
        origin: 'config',
      },
    ]);
    expect(out.split('\n')).toEqual([
      `ID  STATE    HOSTS  ${'WINDOW'.padEnd(52)}  ORIGIN  COMMENT`,
      '12  active   web-*  2026-11-23T12:00:00.000Z .. 2026-11-23T14:00:00.000Z  api     kernel',
      `3   pending  *      ${'cron "0 2 * * 0" for 1h'.padEnd(52)}  config  backup`,
      '',
    ]);
  });

  it('cuts long globs and comments short in the table (issue 17: a 40 KB glob printed in full)', () => {
    const base = { state: 'active', startsAt: null, endsAt: null, createdBy: '', origin: 'api' };
    const out = formatSilences([
      { ...base, id: 1, hostGlob: '*a'.repeat(20_000), comment: `${'why '.repeat(100)}\nsecond line` },
    ]);
    const [, row] = out.split('\n');
    expect(row).toContain(`${'*a'.repeat(19)}*…`);
    expect(row).toContain(`${'why '.repeat(14)}why…`);
    expect(out.length).toBeLessThan(300);
    expect(truncateCell('short', TABLE_GLOB_WIDTH)).toBe('short');
  });

  it('says so when there are none', () => {
    expect(formatSilences([])).toBe('no silences\n');
  });
});

describe('thump silence add times', () => {
  // Port 9 on loopback is closed: a request that got that far fails with exit 1, not 2.
  const add = async (args: string[]) => {
    const { error } = await runCommand(register, [
      'silence',
      'add',
      '--host',
      'db-*',
      '--url',
      'http://127.0.0.1:9',
      '--token',
      't',
      ...args,
    ]);
    if (error) return error;
    throw new Error('expected thump silence add to fail');
  };

  it.each([
    ['--until', ['--until', 'March 7'], 'March 7'],
    ['--until', ['--until', '2026-12-01T06:00:00'], '2026-12-01T06:00:00'],
    ['--start', ['--start', '1', '--for', '2h'], '1'],
  ])('exits 2 naming %s and the format before calling the monitor', async (flag, args, given) => {
    const err = await add(args);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect(err.message).toBe(
      `${flag}: ${JSON.stringify(given)} is not an ISO 8601 time with a timezone; use e.g. 2026-01-31T02:00:00Z or 2026-01-31T03:00:00+01:00`,
    );
  });
});

describe('thump silence add limits', () => {
  const add = async (args: string[]) => {
    const { error } = await runCommand(register, [
      'silence',
      'add',
      '--url',
      'http://127.0.0.1:9',
      '--token',
      't',
      ...args,
    ]);
    if (error) return error;
    throw new Error('expected thump silence add to fail');
  };

  it.each([
    [['--host', 'zz', '--for', '999999999999d'], '--for: must be at most 10 years (limit silenceMaxMs)'],
    [['--host', '*a'.repeat(20_000), '--for', '1h'], '--host: at most 256 characters (limit globLength)'],
    [
      ['--host', `${'*'.repeat(20)}x${'?'.repeat(20)}`, '--for', '1h'],
      '--host: glob has 40 wildcards (*, ?, [...]); at most 32 are allowed (limit globWildcards)',
    ],
    [
      ['--host', 'a', '--for', '1h', '--comment', 'c'.repeat(1025)],
      '--comment: at most 1024 characters (limit commentLength)',
    ],
    [
      ['--host', 'a', '--cron', '0 2 * * 0', '--duration', '3651d'],
      '--duration: must be at most 10 years (limit silenceMaxMs)',
    ],
  ])('exits 2 before calling the monitor for %j', async (args, message) => {
    const err = await add(args);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(message);
  });
});

describe('thump silence --timeout', () => {
  const list = async (timeout: string) => {
    const { error } = await runCommand(register, [
      'silence',
      'list',
      '--url',
      'http://127.0.0.1:9',
      '--timeout',
      timeout,
    ]);
    if (error) return error;
    throw new Error('expected thump silence list to fail (nothing listens on 127.0.0.1:9)');
  };

  it.each([['5s'], ['500ms'], ['5000']])('takes %j and gets as far as calling the monitor', async (t) => {
    const err = await list(t);
    expect(err).toBeInstanceOf(ResourceError);
    expect(err.message).toMatch(/^cannot reach the monitor at http:\/\/127\.0\.0\.1:9 /);
  });

  it('exits 2 naming the flag for a value that is not a duration', async () => {
    const err = await list('soon');
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^--timeout: "soon" is not a duration/);
  });
});
