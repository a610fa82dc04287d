import { describe, expect, it } from 'vitest';
import { configSchema } from '../cli/config-schema.js';
import { ConfigIssuesError } from '../config/issue.js';
import { parseConfigText } from '../config/loader.js';
import { UsageError } from '../errors.js';
import { parseSilenceRequest, SilenceMatcher, silenceState, validateSilence } from './silences.js';
import type { Silence } from './types.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const H = 3_600_000;

function silence(over: Partial<Silence>): Silence {
  return {
    id: 1,
    hostGlob: '*',
    startsAt: NOW,
    endsAt: NOW + H,
    comment: '',
    createdBy: '',
    createdAt: NOW,
    origin: 'api',
    ...over,
  };
}

describe('parseSilenceRequest', () => {
  it('turns "for" into an end relative to now', () => {
    expect(parseSilenceRequest({ host: 'web-*', for: '2h', comment: 'kernel' }, NOW)).toEqual({
      hostGlob: 'web-*',
      endsAt: NOW + 2 * H,
      comment: 'kernel',
    });
  });
  it('reads until as ISO time and cron with a duration', () => {
    expect(parseSilenceRequest({ host: 'db-1', until: '2026-11-23T14:00:00Z' }, NOW).endsAt).toBe(
      NOW + 2 * H,
    );
    expect(parseSilenceRequest({ host: '*', cron: '0 2 * * 0', duration: '1h' }, NOW)).toEqual({
      hostGlob: '*',
      endsAt: null,
      cron: '0 2 * * 0',
      durationMs: H,
    });
  });
  it.each([
    [null, /JSON object/],
    [{ for: '2h' }, /host/],
    [{ host: 'a', for: 'soon' }, /for must be a duration/],
    [{ host: 'a', until: 'tomorrow' }, /until must be an ISO 8601/],
    [{ host: 'a', for: '1h', until: '2026-11-23T14:00:00Z' }, /either for or until/],
    [{ host: 'a', bogus: 1 }, /unknown field "bogus"/],
  ])('rejects %j', (body, message) => {
    expect(() => parseSilenceRequest(body, NOW)).toThrow(message);
  });
});

describe('silence times from the API, the CLI and thump.yaml', () => {
  it.each([
    ['startsAt', { host: 'a', startsAt: '1', for: '1h' }],
    ['startsAt', { host: 'a', startsAt: 'March 7', for: '1h' }],
    ['until', { host: 'a', until: 'March 7' }],
    ['until', { host: 'a', until: '2026-11-23T14:00:00' }],
    ['until', { host: 'a', endsAt: '2026-02-30T00:00:00Z' }],
  ])('rejects a %s that is not ISO 8601 with a timezone (HTTP 400)', (field, body) => {
    let err: unknown;
    try {
      parseSilenceRequest(body, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^silence: ${field} must be an ISO 8601 time with a timezone, e.g. 2026-01-31T02:00:00Z, got "`,
      ),
    );
  });

  it('still takes ms since the epoch as a JSON number', () => {
    expect(parseSilenceRequest({ host: 'a', until: NOW + H }, NOW).endsAt).toBe(NOW + H);
  });

  it.each([['starts_at'], ['ends_at']])('rejects a config silence whose %s is "March 7"', (key) => {
    const other = key === 'starts_at' ? 'ends_at: 2026-12-01T12:00:00Z' : 'starts_at: 2026-12-01T08:00:00Z';
    const text = `silences:\n  - hosts: "db-*"\n    ${other}\n    ${key}: March 7\n`;
    let err: unknown;
    try {
      parseConfigText(configSchema, text, 't.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigIssuesError);
    expect((err as Error).message).toBe(
      `invalid configuration: t.yaml:4:5: silences[0].${key}: expected an ISO 8601 time with a timezone, e.g. 2026-01-31T02:00:00Z, got "March 7"`,
    );
  });
});

describe('validateSilence', () => {
  it('requires an end or a cron', () => {
    expect(() => validateSilence({ hostGlob: 'a' }, NOW, 'api')).toThrow(/give an end/);
  });
  it('requires a duration with a cron and a valid cron', () => {
    expect(() => validateSilence({ hostGlob: 'a', cron: '0 2 * * 0', endsAt: null }, NOW, 'api')).toThrow(
      /duration/,
    );
    expect(() => validateSilence({ hostGlob: 'a', cron: '0 2 * *', durationMs: H }, NOW, 'api')).toThrow(
      /cron/,
    );
  });
  it('refuses an end before the start', () => {
    expect(() => validateSilence({ hostGlob: 'a', endsAt: NOW - 1 }, NOW, 'api')).toThrow(/after startsAt/);
  });
});

describe('SilenceMatcher', () => {
  it('silences matching hosts only within the one-off window', () => {
    const m = new SilenceMatcher([silence({ hostGlob: 'web-*' })]);
    expect(m.find('web-1', NOW + 10)).toBeDefined();
    expect(m.find('db-1', NOW + 10)).toBeUndefined();
    expect(m.find('web-1', NOW - 1)).toBeUndefined();
    expect(m.find('web-1', NOW + H)).toBeUndefined();
  });
  it('silences during each recurring cron window', () => {
    const s = silence({ startsAt: 0, endsAt: null, cron: '0 2 * * 0', durationMs: H });
    const m = new SilenceMatcher([s]);
    expect(m.find('x', Date.parse('2026-11-22T02:30:00Z'))).toBe(s);
    expect(m.find('x', Date.parse('2026-11-29T02:59:00Z'))).toBe(s);
    expect(m.find('x', Date.parse('2026-11-22T03:30:00Z'))).toBeUndefined();
    expect(silenceState(s, Date.parse('2026-11-22T03:30:00Z'))).toBe('pending');
  });
  it('reports expired one-off silences', () => {
    expect(silenceState(silence({}), NOW + 2 * H)).toBe('expired');
    expect(silenceState(silence({}), NOW + 1)).toBe('active');
  });
});
