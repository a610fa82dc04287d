import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regexReference } from '../../test/support/glob-reference.js';
import { checkGlob, globMatcher, globWildcards } from './glob.js';
import { LIMITS } from './limits.js';

/** ssh_config / known_hosts patterns before issue 17: `*`, `?`, `[` literal, case-insensitive. */
function sshReference(pattern: string): (text: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'is',
  );
  return (t) => re.test(t);
}

// Small alphabets so that random patterns and texts actually match each other often.
const patternChar = fc.constantFrom('a', 'b', 'A', '-', '.', '*', '*', '?', '[', ']', '!', '\\', 'z');
const textChar = fc.constantFrom('a', 'b', 'A', '-', '.', '[', ']', '!', 'z', '\n');
const pattern = fc.array(patternChar, { maxLength: 12 }).map((a) => a.join(''));
const text = fc.array(textChar, { maxLength: 14 }).map((a) => a.join(''));
const safeRange = (p: string) => {
  try {
    regexReference(p);
    return true;
  } catch {
    return false; // e.g. [z-a]: the old matcher threw, the new one matches nothing
  }
};

describe('globMatcher', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-*', 'db-1', false],
    ['web-?', 'web-12', false],
    ['web-??', 'web-12', true],
    ['rack[12]-*', 'rack2-a', true],
    ['rack[12]-*', 'rack3-a', false],
    ['rack[!12]-*', 'rack3-a', true],
    ['rack[0-4]', 'rack3', true],
    ['rack[0-4]', 'rack5', false],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['*', '', true],
    ['**', 'x', true],
    ['*x*', 'abxcd', true],
    ['*x*', 'abcd', false],
    ['(x)+', '(x)+', true],
    ['[oops', '[oops', true],
    ['[]]', ']', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['Web-*', 'web-1', false],
  ])('%s on %s -> %s', (glob, t, expected) => {
    expect(globMatcher(glob)(t)).toBe(expected);
  });

  it('reads ssh patterns case-insensitively with [ literal when asked', () => {
    const m = globMatcher('Web-[1]*', { caseInsensitive: true, brackets: false });
    expect(m('WEB-[1]x')).toBe(true);
    expect(m('web-1x')).toBe(false);
  });

  it('agrees with the old RegExp matcher on random small globs (fixed seed)', () => {
    fc.assert(
      fc.property(pattern.filter(safeRange), text, (p, t) => {
        expect(globMatcher(p)(t)).toBe(regexReference(p)(t));
      }),
      { seed: 17, numRuns: 5000 },
    );
  });

  it('agrees with the old ssh_config matcher on random small patterns (fixed seed)', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(globMatcher(p, { caseInsensitive: true, brackets: false })(t)).toBe(sshReference(p)(t));
      }),
      { seed: 17, numRuns: 5000 },
    );
  });

  it('matches a 10,000-character adversarial pattern against a 64-character id at once', () => {
    // '*a' × 5000 then 'x': the shape that made the RegExp backtrack exponentially.
    const evil = `${'*a'.repeat(5000)}x`;
    const id = 'a'.repeat(64);
    expect(evil.length).toBe(10_001);
    expect(checkGlob(evil)).toMatch(/at most 256 are allowed \(limit globLength\)/);
    // The raw matcher still answers, and right: 64 characters cannot hold 5000 a's then x.
    expect(globMatcher(evil)(id)).toBe(false);
    expect(globMatcher(`${'*a'.repeat(5000)}*`)(`${'a'.repeat(5000)}`)).toBe(true);
    expect(globMatcher(`${'*'.repeat(100)}x`)(id)).toBe(false);
    expect(globMatcher(`${'*'.repeat(100)}x`)(`${id}x`)).toBe(true);
  });
});

describe('checkGlob', () => {
  it('accepts ordinary globs', () => {
    expect(checkGlob('web-*')).toBeUndefined();
    expect(checkGlob('x'.repeat(LIMITS.globLength))).toBeUndefined();
  });

  it('names the limit a glob breaks', () => {
    expect(checkGlob('')).toMatch(/must not be empty/);
    expect(checkGlob('x'.repeat(LIMITS.globLength + 1))).toMatch(/257 characters long; at most 256/);
    expect(checkGlob('?'.repeat(40))).toMatch(/has 40 wildcards .* at most 32 .*globWildcards/);
    expect(checkGlob(`${'*'.repeat(100)}x`)).toMatch(/has 100 wildcards/); // issue 17, reproduction 1
    expect(checkGlob('*a'.repeat(40))).toMatch(/has 40 wildcards/);
  });

  it('counts [...] classes and ? as wildcards', () => {
    expect(globWildcards('a[12]?*')).toBe(3);
    expect(globWildcards('a**')).toBe(2);
    expect(globWildcards('a[12]?*', { brackets: false })).toBe(2);
  });
});
