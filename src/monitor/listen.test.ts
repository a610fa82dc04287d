import { describe, expect, it } from 'vitest';
import { formatListen, parseMulticast, parseUdpListen } from './listen.js';

describe('parseUdpListen', () => {
  it.each([
    ['43278', { host: '0.0.0.0', port: 43278, family: 4 }],
    ['127.0.0.1:5000', { host: '127.0.0.1', port: 5000, family: 4 }],
    ['10.0.0.1', { host: '10.0.0.1', port: 43278, family: 4 }],
    ['[::]:43278', { host: '::', port: 43278, family: 6 }],
    ['[::1]', { host: '::1', port: 43278, family: 6 }],
    ['fe80::1', { host: 'fe80::1', port: 43278, family: 6 }],
  ])('parses %s', (text, want) => {
    expect(parseUdpListen(text)).toEqual(want);
    expect(parseUdpListen(formatListen(want as never))).toEqual(want);
  });

  it.each(['', 'host.example:80', '1.2.3.4:70000', '[nope]:1', ':::1:2', '1.2.3.4:x'])(
    'rejects %j naming the flag',
    (text) => {
      expect(() => parseUdpListen(text, '--udp')).toThrow(/^--udp: /);
    },
  );
});

describe('parseMulticast', () => {
  it.each([
    ['239.255.43.78', { group: '239.255.43.78' }],
    ['224.0.0.250@127.0.0.1', { group: '224.0.0.250', iface: '127.0.0.1' }],
    ['ff15::4378', { group: 'ff15::4378' }],
    ['ff02::1@::%lo', { group: 'ff02::1', iface: '::%lo' }],
  ])('parses %s', (spec, want) => {
    expect(parseMulticast(spec)).toEqual(want);
  });

  it.each(['10.0.0.1', '::1', 'group', '239.1.1.1@'])('rejects %j', (spec) => {
    expect(() => parseMulticast(spec)).toThrow(/not a multicast group/);
  });
});
