import { describe, expect, it } from 'vitest';
import { hostAllowed, hostOf } from './host-guard.js';

describe('hostOf', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '::1'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['Thump.Example.COM.', 'thump.example.com'],
    ['thump.example.com:443', 'thump.example.com'],
    ['a:b', undefined],
    ['[::1', undefined],
    ['[::1]x', undefined],
    ['1:2:3', undefined],
  ])('%s -> %s', (header, host) => {
    expect(hostOf(header)).toBe(host);
  });
});

describe('hostAllowed', () => {
  const allowed = ['thump.example.com'];
  it.each<[string | undefined, string, boolean]>([
    [undefined, '127.0.0.1', true],
    ['10.1.2.3:8080', '127.0.0.1', true],
    ['[fe80::1]:8080', '127.0.0.1', true],
    ['localhost:8080', '127.0.0.1', true],
    ['LOCALHOST', '127.0.0.1', true],
    ['monitor.lan:8080', 'monitor.lan', true],
    ['thump.example.com', '0.0.0.0', true],
    ['thump.example.com.:80', '::', true],
    ['evil.example', '0.0.0.0', false],
    ['evil.example', '127.0.0.1', false],
    ['localhost.evil.example', '127.0.0.1', false],
    ['thump.example.com.evil', '127.0.0.1', false],
    ['garbage:port', '127.0.0.1', false],
  ])('Host %s on %s: %s', (header, listen, ok) => {
    expect(hostAllowed(header, listen, allowed)).toBe(ok);
  });
});
