import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeUrl, parseRetryAfter, redactor } from './http-client.js';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 23, 18, 0, 0);
  it.each([
    ['7', 7000],
    ['0', 0],
    [' 120 ', 120_000],
    ['1.5', 1500],
    ['Mon, 23 Nov 2026 18:01:00 GMT', 60_000],
    ['Mon, 23 Nov 2026 17:00:00 GMT', 0],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([null, undefined, '', 'soon', '-5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('describeUrl', () => {
  it('keeps scheme, host and port and hides path and query', () => {
    expect(describeUrl('https://hooks.slack.com/services/T/B/secret?x=1', false)).toBe(
      'https://hooks.slack.com/…',
    );
    expect(describeUrl('http://127.0.0.1:8080/', false)).toBe('http://127.0.0.1:8080');
    expect(describeUrl('http://user:pw@example.org:81/x', false)).toBe('http://example.org:81/…');
  });

  it('shows a fixed API path when asked, never the query', () => {
    expect(describeUrl('http://am:9093/api/v2/alerts?token=t', true)).toBe('http://am:9093/api/v2/alerts');
  });

  it('refuses URLs fetch must not use', () => {
    expect(describeUrl('file:///etc/passwd', false)).toBeUndefined();
    expect(describeUrl('not a url', false)).toBeUndefined();
  });
});

describe('redactor', () => {
  it('removes every occurrence of each secret and its URL-encoded form, longest first', () => {
    const scrub = redactor(['123:ABC/def', 'http://h/123:ABC/def', undefined]);
    expect(scrub('GET http://h/123:ABC/def and 123%3AABC%2Fdef and 123:ABC/def')).toBe(
      'GET [redacted] and [redacted] and [redacted]',
    );
  });

  it('leaves text alone for secrets too short to be told from ordinary words', () => {
    expect(redactor(['ab'])('abab')).toBe('abab');
  });

  it('never lets a secret of 4+ characters through, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 40 }), fc.string(), fc.string(), (secret, a, b) => {
        const out = redactor([secret])(`${a}${secret}${b}${secret}`);
        expect(out.includes(secret)).toBe(false);
      }),
    );
  });
});

describe('redactor edge cases', () => {
  it('withholds the text when a secret re-forms across a replacement', () => {
    expect(redactor(['d]ab'])('d]abab')).toBe('[text withheld: it contained a secret]');
    expect(redactor(['edac'])('x edac y')).toBe('[text withheld: it contained a secret]');
  });
});
