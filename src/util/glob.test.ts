import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob.js';

describe('globMatcher', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-*', 'db-1', false],
    ['web-?', 'web-12', false],
    ['web-??', 'web-12', true],
    ['rack[12]-*', 'rack2-a', true],
    ['rack[12]-*', 'rack3-a', false],
    ['rack[!12]-*', 'rack3-a', true],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['*', '', true],
    ['(x)+', '(x)+', true],
    ['[oops', '[oops', true],
  ])('%s on %s -> %s', (glob, text, expected) => {
    expect(globMatcher(glob)(text)).toBe(expected);
  });
});
