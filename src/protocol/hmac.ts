import { createHmac } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104) for one secret, as the codec uses it.
 *
 * Plain `createHmac` per datagram. We measured the alternatives on Node 20 (bench/protocol-codec.ts
 * and docs/perf/protocol.md): cloning pre-keyed inner/outer `Hash` states with `hash.copy()` was
 * ~15% slower, and two one-shot `crypto.hash` passes over a reused ipad/opad scratch buffer were no
 * faster within noise. The cost is dominated by crossing into OpenSSL, not by key setup, so the
 * simplest correct construction wins.
 */
export class HmacSha256 {
  private readonly secret: Buffer;

  constructor(secret: Buffer) {
    this.secret = Buffer.from(secret);
  }

  /** The full 32-byte MAC of `data[0, end)`. */
  digest(data: Buffer, end: number): Buffer {
    return createHmac('sha256', this.secret)
      .update(end === data.length ? data : data.subarray(0, end))
      .digest();
  }

  /**
   * True when `data[macAt, macAt + len)` equals the first `len` bytes of the MAC of
   * `data[0, macAt)`. Compares every byte (no early exit), so timing reveals nothing.
   */
  verify(data: Buffer, macAt: number, len: number): boolean {
    const mac = this.digest(data, macAt);
    let diff = 0;
    for (let i = 0; i < len; i++) diff |= (mac[i] as number) ^ (data[macAt + i] as number);
    return diff === 0;
  }
}

const cache = new WeakMap<Buffer, HmacSha256>();

/** The MAC object for a secret, built once per secret Buffer and reused. */
export function hmacFor(secret: Buffer): HmacSha256 {
  let m = cache.get(secret);
  if (m === undefined) {
    m = new HmacSha256(secret);
    cache.set(secret, m);
  }
  return m;
}
