import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from './native-udp.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));

describe('formatIpv4', () => {
  it.each([
    [0x7f000001, '127.0.0.1'],
    [0, '0.0.0.0'],
    [0xffffffff, '255.255.255.255'],
    [0x0a000203, '10.0.2.3'],
  ])('%d -> %s', (n, text) => {
    expect(formatIpv4(n)).toBe(text);
  });
});

describe('formatIpv6 (RFC 5952)', () => {
  it.each([
    ['0000 0000 0000 0000 0000 0000 0000 0001', '::1'],
    ['0000 0000 0000 0000 0000 0000 0000 0000', '::'],
    ['fe80 0000 0000 0000 0000 0000 0000 0001', 'fe80::1'],
    ['2001 0db8 0000 0000 0001 0000 0000 0001', '2001:db8::1:0:0:1'], // first of equal runs
    ['2001 0db8 0000 0001 0001 0001 0001 0001', '2001:db8:0:1:1:1:1:1'], // one zero group stays
    ['2001 0db8 0000 0000 0001 0000 0000 0000', '2001:db8:0:0:1::'], // longest run wins
    ['0000 0000 0000 0000 0000 ffff 0a00 0001', '10.0.0.1'], // v4-mapped -> plain IPv4
    ['ABCD 0000 0000 0000 0000 0000 0000 EF01', 'abcd::ef01'],
  ])('%s -> %s', (hex, text) => {
    expect(formatIpv6(bytes(hex))).toBe(text);
  });

  it('reads at an offset and appends a numeric zone', () => {
    const b = new Uint8Array(20);
    b.set(bytes('fe80 0000 0000 0000 0000 0000 0000 0002'), 4);
    expect(formatIpv6(b, 4, 3)).toBe('fe80::2%3');
  });

  it('agrees with the WHATWG URL serializer on any non-mapped address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (b, sparse) => {
        // Make zero runs common: they are where compression can go wrong.
        if (sparse) for (let i = 0; i < 16; i++) if ((b[i] as number) < 128) b[i] = 0;
        const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
        fc.pre(!mapped);
        const text = formatIpv6(b);
        expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      }),
      { numRuns: 2000 },
    );
  });
});
