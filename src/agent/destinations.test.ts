import { describe, expect, it } from 'vitest';
import { buildDestinations, isMulticast, parseHostPort } from './destinations.js';

describe('destinations', () => {
  it.each([
    ['monitor', { host: 'monitor', port: 43278 }],
    ['monitor:9000', { host: 'monitor', port: 9000 }],
    ['10.0.0.1:1', { host: '10.0.0.1', port: 1 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    ['[fe80::1%eth0]', { host: 'fe80::1%eth0', port: 43278 }],
    ['2001:db8::5', { host: '2001:db8::5', port: 43278 }],
  ])('parses %s', (spec, expected) => {
    expect(parseHostPort(spec, 43278, '--to')).toEqual(expected);
  });

  it.each([
    ['host:0', /no valid port/],
    ['host:99999', /no valid port/],
    ['host:abc', /no valid port/],
    ['', /not HOST\[:PORT\]/],
    [':80', /not HOST\[:PORT\]/],
  ])('names the flag for %j', (spec, msg) => {
    expect(() => parseHostPort(spec, 43278, '--to')).toThrow(msg);
    expect(() => parseHostPort(spec, 43278, '--to')).toThrow(/^--to: /);
  });

  it('recognises multicast groups of both families', () => {
    expect(isMulticast('239.255.43.78')).toBe(true);
    expect(isMulticast('224.0.0.1')).toBe(true);
    expect(isMulticast('10.0.0.1')).toBe(false);
    expect(isMulticast('ff02::1%eth0')).toBe(true);
    expect(isMulticast('fe80::1')).toBe(false);
    expect(isMulticast('example.com')).toBe(false);
  });

  it('builds unicast, broadcast and multicast destinations', () => {
    const d = buildDestinations({
      to: ['a:1', '[::1]'],
      broadcast: '',
      multicast: ['ff02::4378', '239.1.2.3:7'],
      port: 5,
    });
    expect(d.map((x) => [x.kind, x.label])).toEqual([
      ['unicast', 'a:1'],
      ['unicast', '[::1]:5'],
      ['broadcast', '255.255.255.255:5'],
      ['multicast', '[ff02::4378]:5'],
      ['multicast', '239.1.2.3:7'],
    ]);
    expect(() => buildDestinations({ to: [], broadcast: '::1', multicast: [], port: 5 })).toThrow(
      /IPv4 only/,
    );
    expect(() => buildDestinations({ to: [], multicast: ['10.1.1.1'], port: 5 })).toThrow(
      /not a multicast group/,
    );
  });
});
