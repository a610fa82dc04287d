import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from './hmac.js';

describe('HmacSha256 (pure JS, precomputed pads)', () => {
  it('matches RFC 4231 test case 2', () => {
    const mac = new HmacSha256(Buffer.from('Jefe'));
    const data = Buffer.from('what do ya want for nothing?');
    expect(mac.digest(data, data.length).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('matches node:crypto for every length around block boundaries', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const mac = new HmacSha256(key);
    const data = Buffer.alloc(600);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
    for (let n = 0; n <= 600; n++) {
      const want = createHmac('sha256', key).update(data.subarray(0, n)).digest('hex');
      expect(mac.digest(data, n).toString('hex'), `length ${n}`).toBe(want);
    }
  });

  it('matches node:crypto on random keys (including > 64 bytes) and inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.uint8Array({ maxLength: 700 }),
        (k, d) => {
          const key = Buffer.from(k);
          const data = Buffer.from(d);
          const want = createHmac('sha256', key).update(data).digest();
          expect(new HmacSha256(key).digest(data, data.length).equals(want)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('verifies a truncated MAC and rejects any other', () => {
    const key = Buffer.from('a secret of some length');
    const body = Buffer.from('hello beat');
    const full = createHmac('sha256', key).update(body).digest();
    const dgram = Buffer.concat([body, full.subarray(0, 16)]);
    const mac = new HmacSha256(key);
    expect(mac.verify(dgram, body.length, 16)).toBe(true);
    dgram[dgram.length - 1] = (dgram[dgram.length - 1] as number) ^ 1;
    expect(mac.verify(dgram, body.length, 16)).toBe(false);
  });
});
