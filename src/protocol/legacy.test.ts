import { describe, expect, it } from 'vitest';
import { decodeLegacy } from './legacy.js';

describe('decodeLegacy', () => {
  it.each([
    ['Thump!', 'thump'],
    ['Thump!\n', 'thump'],
    ['Thump!\r\n', 'thump'],
    ['Thump!\0', 'thump'],
    ['PyHB', 'pyhb'],
    ['PyHB\n', 'pyhb'],
    ['Thump', undefined],
    ['thump!', undefined],
    ['Thump!!', undefined],
    ['PyHBx', undefined],
    ['', undefined],
    ['\n', undefined],
    ['Thump!                    ', undefined],
  ])('classifies %j as %s', (text, kind) => {
    expect(decodeLegacy(Buffer.from(text))).toBe(kind);
  });
});
