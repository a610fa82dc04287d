import { createHash } from 'node:crypto';

// SHA-256 round constants (FIPS 180-4, 4.2.2).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/**
 * HMAC-SHA256 (RFC 2104) in plain JavaScript with the key's inner and outer pad blocks
 * compressed once up front, for the monitor's hot path.
 *
 * Why not `createHmac`: for a ~150-byte beat the cost of `createHmac` is dominated by creating
 * an Hmac object, re-deriving the padded key and crossing into OpenSSL (about 3 us on the
 * reference box), while the actual work is 4 SHA-256 compressions. Keeping the two pad
 * midstates and all scratch space in typed arrays makes a verify allocation-free and about 3x
 * cheaper (bench/protocol-codec.ts). Add/xor/rotate only, no secret-dependent branches or table
 * lookups, so timing does not depend on the key. Tested byte-for-byte against node:crypto on
 * random keys and inputs (hmac.test.ts).
 */
export class Sha256Hmac {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly h = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private readonly tail = new Uint8Array(128);
  private readonly mid = new Uint8Array(32);
  private readonly out = new Uint8Array(32);

  constructor(secret: Uint8Array) {
    const key = secret.length > 64 ? createHash('sha256').update(secret).digest() : secret;
    const pad = new Uint8Array(64);
    for (const [state, x] of [
      [this.inner, 0x36],
      [this.outer, 0x5c],
    ] as const) {
      for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ x;
      state.set(IV);
      this.compress(state, pad, 0);
    }
  }

  /**
   * The MAC of `data[0, end)` into an internal 32-byte buffer that the next call overwrites
   * (copy it if you keep it).
   */
  macInto(data: Uint8Array, end: number): Uint8Array {
    this.hash(this.inner, data, end, this.mid);
    this.hash(this.outer, this.mid, 32, this.out);
    return this.out;
  }

  /** SHA-256 continuing from a pad midstate (64 bytes already absorbed) over `data[0, end)`. */
  private hash(state0: Int32Array, data: Uint8Array, end: number, out: Uint8Array): void {
    const h = this.h;
    h.set(state0);
    let off = 0;
    for (; off + 64 <= end; off += 64) this.compress(h, data, off);
    const rest = end - off;
    const tail = this.tail;
    tail.fill(0);
    for (let i = 0; i < rest; i++) tail[i] = data[off + i] as number;
    tail[rest] = 0x80;
    const blocks = rest + 9 > 64 ? 2 : 1;
    // Message length in bits, including the 64-byte pad block; fits 32 bits for any datagram.
    const bits = (64 + end) * 8;
    const at = blocks * 64 - 4;
    tail[at] = bits >>> 24;
    tail[at + 1] = bits >>> 16;
    tail[at + 2] = bits >>> 8;
    tail[at + 3] = bits;
    const hi = Math.floor(bits / 0x100000000);
    tail[at - 4] = hi >>> 24;
    tail[at - 3] = hi >>> 16;
    tail[at - 2] = hi >>> 8;
    tail[at - 1] = hi;
    this.compress(h, tail, 0);
    if (blocks === 2) this.compress(h, tail, 64);
    for (let i = 0; i < 8; i++) {
      const v = h[i] as number;
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
  }

  private compress(h: Int32Array, b: Uint8Array, off: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      w[i] =
        ((b[j] as number) << 24) |
        ((b[j + 1] as number) << 16) |
        ((b[j + 2] as number) << 8) |
        (b[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h[0] as number;
    let bb = h[1] as number;
    let c = h[2] as number;
    let d = h[3] as number;
    let e = h[4] as number;
    let f = h[5] as number;
    let g = h[6] as number;
    let hh = h[7] as number;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + (K[i] as number) + (w[i] as number)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + bb) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d) | 0;
    h[4] = ((h[4] as number) + e) | 0;
    h[5] = ((h[5] as number) + f) | 0;
    h[6] = ((h[6] as number) + g) | 0;
    h[7] = ((h[7] as number) + hh) | 0;
  }
}
