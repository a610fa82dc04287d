import { describe, expect, it } from 'vitest';
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
