import { Sha256Hmac } from './sha256.js';

/**
 * HMAC-SHA256 (RFC 2104) for one secret, as the codec uses it: the pure-JS {@link Sha256Hmac}
 * with precomputed pad midstates (about 3x cheaper per beat than `createHmac`; see
 * docs/perf/protocol.md). Not re-entrant across `await`s, which the synchronous codec never does.
 */
export class HmacSha256 {
  private readonly impl: Sha256Hmac;

  constructor(secret: Buffer) {
    this.impl = new Sha256Hmac(secret);
  }

  /** The full 32-byte MAC of `data[0, end)` as a new Buffer. */
  digest(data: Buffer, end: number): Buffer {
    return Buffer.from(this.impl.macInto(data, end));
  }

  /**
   * True when `data[macAt, macAt + len)` equals the first `len` bytes of the MAC of
   * `data[0, macAt)`. Compares every byte (no early exit), so timing reveals nothing.
   * Allocation-free.
   */
  verify(data: Buffer, macAt: number, len: number): boolean {
    const mac = this.impl.macInto(data, macAt);
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
