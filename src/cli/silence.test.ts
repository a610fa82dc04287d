import { describe, expect, it } from 'vitest';
import { formatSilences } from './silence.js';

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
