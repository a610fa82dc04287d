import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBeat } from './decode.js';
import { encodeBeat } from './encode.js';
import { Keyring, keyFromSecret } from './keyring.js';
import type { Beat, DecodeResult } from './types.js';
import { MAX_DATAGRAM } from './wire.js';

const NOW = 1_800_000_000_000;
const key = keyFromSecret('correct horse battery staple 42');
const ring = new Keyring(key);

function beat(over: Partial<Beat> = {}): Beat {
  return {
    hostId: 'web-01',
    bootId: '0123456789abcdef',
    seq: 42,
    sentAt: NOW,
    intervalMs: 5000,
    goodbye: false,
    uptimeSeconds: 123456,
    load: [0.25, 1.5, 12.75],
    memTotalBytes: 16 * 1024 ** 3,
    memAvailableBytes: 9 * 1024 ** 3,
    diskTotalBytes: 500 * 1024 ** 3,
    diskUsedBytes: 123 * 1024 ** 3,
    checks: [],
    labels: {},
    ...over,
  };
}

function ok(r: DecodeResult): Beat {
  if (!r.ok) throw new Error(`rejected: ${r.reason} ${r.detail ?? ''}`);
  return r.beat;
}

describe('encodeBeat/decodeBeat', () => {
  it('round-trips every field of a beat', () => {
    const b = beat({
      goodbye: true,
      checks: [
        { id: 'disk:/', severity: 1, text: 'DISK WARNING - 91% used' },
        { id: 'raid:md0', severity: 2, text: 'degraded [U_]' },
      ],
      labels: { role: 'db', parent: 'switch-3' },
    });
    const r = decodeBeat(encodeBeat(b, key), ring, NOW);
    expect(r.ok && r.keyId).toBe(key.id);
    expect(ok(r)).toEqual(b);
  });

  it('keeps a typical beat under 200 bytes', () => {
    const b = beat({
      hostId: 'app-server-17.example.net',
      checks: [{ id: 'disk:/', severity: 0, text: 'DISK OK - 41% used' }],
      labels: { role: 'web', dc: 'fra1' },
    });
    expect(encodeBeat(b, key).length).toBeLessThan(200);
    expect(encodeBeat(beat(), key).length).toBeLessThan(100);
  });

  it('rejects a beat signed with an unknown key id or a different secret', () => {
    const other = keyFromSecret('another secret of enough length');
    expect(decodeBeat(encodeBeat(beat(), other), ring, NOW)).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });
    const sameId = { id: key.id, secret: other.secret };
    expect(decodeBeat(encodeBeat(beat(), sameId), ring, NOW)).toMatchObject({ ok: false, reason: 'bad-mac' });
  });

  it('accepts beats under any key of the ring, so secrets rotate without downtime', () => {
    const next = keyFromSecret('the next secret, rotated in today');
    const both = new Keyring([key, next]);
    expect(ok(decodeBeat(encodeBeat(beat(), key), both, NOW)).hostId).toBe('web-01');
    expect(ok(decodeBeat(encodeBeat(beat(), next), both, NOW)).hostId).toBe('web-01');
    both.remove(key.id);
    expect(decodeBeat(encodeBeat(beat(), key), both, NOW)).toMatchObject({ reason: 'unknown-key' });
  });

  it('tries every key that shares a key id', () => {
    const a = { id: 7, secret: Buffer.from('first secret of sixteen+') };
    const b = { id: 7, secret: Buffer.from('second secret of sixteen+') };
    const r = new Keyring([a, b]);
    expect(decodeBeat(encodeBeat(beat(), b), r, NOW).ok).toBe(true);
  });

  it.each([
    ['stale', NOW - 5 * 60_000 - 1],
    ['future', NOW + 5 * 60_000 + 1],
  ] as const)('drops a beat outside the 5 minute freshness window as %s', (reason, sentAt) => {
    expect(decodeBeat(encodeBeat(beat({ sentAt }), key), ring, NOW)).toMatchObject({ ok: false, reason });
  });

  it('accepts a beat from a clock a few minutes off, and honours a custom window', () => {
    expect(decodeBeat(encodeBeat(beat({ sentAt: NOW - 4 * 60_000 }), key), ring, NOW).ok).toBe(true);
    expect(decodeBeat(encodeBeat(beat({ sentAt: NOW + 4 * 60_000 }), key), ring, NOW).ok).toBe(true);
    const r = decodeBeat(encodeBeat(beat({ sentAt: NOW - 2000 }), key), ring, NOW, { maxSkewMs: 1000 });
    expect(r).toMatchObject({ reason: 'stale' });
  });

  it('rejects every single flipped bit', () => {
    const good = encodeBeat(
      beat({ checks: [{ id: 'x', severity: 1, text: 'hi' }], labels: { a: 'b' } }),
      key,
    );
    const reasons = new Set<string>();
    for (let i = 0; i < good.length * 8; i++) {
      const bad = Buffer.from(good);
      bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
      const r = decodeBeat(bad, ring, NOW);
      expect(r.ok, `bit ${i} flipped was accepted`).toBe(false);
      if (!r.ok) reasons.add(r.reason);
    }
    expect([...reasons].sort()).toEqual(['bad-mac', 'bad-magic', 'bad-version', 'unknown-key']);
  });

  it('rejects a datagram one byte short or one byte long', () => {
    const good = encodeBeat(beat(), key);
    expect(decodeBeat(good.subarray(0, good.length - 1), ring, NOW)).toMatchObject({
      ok: false,
      reason: 'bad-mac',
    });
    expect(decodeBeat(Buffer.concat([good, Buffer.of(0)]), ring, NOW)).toMatchObject({
      ok: false,
      reason: 'bad-mac',
    });
    expect(decodeBeat(good.subarray(0, 20), ring, NOW)).toMatchObject({ ok: false, reason: 'too-short' });
    expect(decodeBeat(Buffer.alloc(0), ring, NOW)).toMatchObject({ ok: false, reason: 'too-short' });
    expect(decodeBeat(Buffer.alloc(MAX_DATAGRAM + 1), ring, NOW)).toMatchObject({
      ok: false,
      reason: 'too-long',
    });
  });

  it('rejects authentic but malformed structure', () => {
    // Re-sign a tampered body with the real key, as a buggy (not hostile) sender would.
    const good = encodeBeat(beat({ checks: [{ id: 'c', severity: 0, text: '' }] }), key);
    const resign = (body: Buffer) => {
      const withMac = Buffer.concat([body, Buffer.alloc(16)]);
      const ref = ring.candidates(key.id);
      ref?.[0]?.mac.digest(withMac, body.length).copy(withMac, body.length, 0, 16);
      return withMac;
    };
    const body = good.subarray(0, good.length - 16);
    const set = (at: number, v: number) => (b: Buffer) => {
      b[at] = v;
      return b;
    };
    const cases: [string, (b: Buffer) => Buffer][] = [
      ['unknown flag', set(5, 0x80)],
      ['zero host id', set(72, 0)],
      ['severity 9', set(72 + 1 + 6 + 1 + 1, 9)],
      ['extra check count', set(70, 2)],
      ['trailing byte', (b) => Buffer.concat([b, Buffer.of(1)])],
      ['label count without label', set(71, 1)],
    ];
    for (const [name, mutate] of cases) {
      const r = decodeBeat(resign(mutate(Buffer.from(body))), ring, NOW);
      expect(r, name).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('truncates long check texts to fit 512 bytes, longest first, deterministically', () => {
    const checks = [
      { id: 'short', severity: 0 as const, text: 'fine' },
      { id: 'long1', severity: 2 as const, text: 'é'.repeat(200) },
      { id: 'long2', severity: 1 as const, text: 'x'.repeat(250) },
    ];
    const b = beat({ checks });
    const enc = encodeBeat(b, key);
    expect(enc.length).toBeLessThanOrEqual(MAX_DATAGRAM);
    expect(encodeBeat(b, key).equals(enc)).toBe(true);
    const out = ok(decodeBeat(enc, ring, NOW));
    expect(out.checks.map((c) => c.id)).toEqual(['short', 'long1', 'long2']);
    expect(out.checks[0]?.text).toBe('fine');
    expect(out.checks[1]?.text).not.toContain('\ufffd');
    expect(out.checks[2]?.text.length).toBeGreaterThan(100);
  });

  it('drops OK checks before failing ones when texts alone cannot make room', () => {
    const checks = Array.from({ length: 60 }, (_, i) => ({
      id: `check-number-${i}`,
      severity: (i === 59 ? 2 : 0) as 0 | 2,
      text: 'x',
    }));
    const out = ok(decodeBeat(encodeBeat(beat({ checks }), key), ring, NOW));
    expect(out.checks.length).toBeLessThan(60);
    expect(out.checks.some((c) => c.id === 'check-number-59' && c.severity === 2)).toBe(true);
  });

  it('refuses host ids and label keys no datagram can carry', () => {
    expect(() => encodeBeat(beat({ hostId: '' }), key)).toThrow(/host id/);
    expect(() => encodeBeat(beat({ hostId: 'h'.repeat(65) }), key)).toThrow(/host id/);
    expect(() => encodeBeat(beat({ bootId: 'xyz' }), key)).toThrow(/boot id/);
    expect(() => encodeBeat(beat({ labels: { 'bad key': 'v' } }), key)).toThrow(/label key/);
  });

  it('clamps out-of-range measurements instead of failing', () => {
    const out = ok(
      decodeBeat(
        encodeBeat(beat({ load: [Number.NaN, -1, 1e12], uptimeSeconds: -5, memTotalBytes: 1e30 }), key),
        ring,
        NOW,
      ),
    );
    expect(out.load).toEqual([0, 0, 0xffffffff / 100]);
    expect(out.uptimeSeconds).toBe(0);
    expect(out.memTotalBytes).toBe(0xffffffffffff * 1024);
  });
});

describe('decodeBeat fuzzing', () => {
  const arbBeat = fc.record({
    hostId: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => Buffer.byteLength(s) <= 64),
    bootId: fc.stringMatching(/^[0-9a-f]{16}$/),
    seq: fc.nat({ max: 0xffffffff }),
    sentAt: fc.integer({ min: NOW - 60_000, max: NOW + 60_000 }),
    intervalMs: fc.nat({ max: 0xffffffff }),
    goodbye: fc.boolean(),
    uptimeSeconds: fc.nat({ max: 0xffffffff }),
    load: fc
      .tuple(fc.nat({ max: 100000 }), fc.nat({ max: 100000 }), fc.nat({ max: 100000 }))
      .map(([a, b, c]) => [a / 100, b / 100, c / 100] as [number, number, number]),
    memTotalBytes: fc.nat({ max: 2 ** 40 }).map((k) => k * 1024),
    memAvailableBytes: fc.nat({ max: 2 ** 40 }).map((k) => k * 1024),
    diskTotalBytes: fc.nat({ max: 2 ** 45 }).map((k) => k * 1024),
    diskUsedBytes: fc.nat({ max: 2 ** 45 }).map((k) => k * 1024),
    checks: fc.array(
      fc.record({
        id: fc.stringMatching(/^[a-z:/0-9]{1,32}$/),
        severity: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
        text: fc.string({ maxLength: 40 }),
      }),
      { maxLength: 4 },
    ),
    labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
  });

  it('round-trips any beat that fits', () => {
    fc.assert(
      fc.property(arbBeat, (b) => {
        const enc = encodeBeat(b, key);
        expect(enc.length).toBeLessThanOrEqual(MAX_DATAGRAM);
        expect(ok(decodeBeat(enc, ring, NOW))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = decodeBeat(Buffer.from(bytes), ring, NOW);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws and never accepts a mutated valid datagram', () => {
    fc.assert(
      fc.property(
        arbBeat,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (b, edits) => {
          const enc = Buffer.from(encodeBeat(b, key));
          for (const [pos, x] of edits) {
            const i = pos % enc.length;
            enc[i] = (enc[i] as number) ^ x;
          }
          expect(decodeBeat(enc, ring, NOW).ok).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('encodes any beat to at most 512 bytes, even with huge checks and labels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string({ maxLength: 50 }), text: fc.string({ maxLength: 400 }) }), {
          maxLength: 40,
        }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,32}$/), fc.string({ maxLength: 400 }), { maxKeys: 30 }),
        (cs, labels) => {
          const b = beat({ checks: cs.map((c) => ({ ...c, severity: 1 })), labels });
          const enc = encodeBeat(b, key);
          expect(enc.length).toBeLessThanOrEqual(MAX_DATAGRAM);
          expect(decodeBeat(enc, ring, NOW).ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
