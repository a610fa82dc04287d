import { describe, expect, it } from 'vitest';
import { runCommand } from '../../test/support/cli.js';
import { ResourceError, UsageError } from '../errors.js';
import { formatSilences, register } from './silence.js';

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
