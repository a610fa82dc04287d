import { describe, expect, it } from 'vitest';
import { encodeBeat, Keyring, keyFromSecret } from '../protocol/index.js';
import type { Beat } from '../protocol/types.js';
import { MonitorCore } from './core.js';
import { createIngest, plainIp, type RejectSummary } from './ingest.js';

const key = keyFromSecret('unit-test-secret-0123456789abcdef');
const other = keyFromSecret('another-secret-0123456789abcdefgh');
const NOW = 1_700_000_000_000;

function beat(seq: number): Beat {
  return {
    hostId: 'h1',
    bootId: '00000000000000aa',
    seq,
    sentAt: NOW,
    intervalMs: 1000,
    goodbye: false,
    uptimeSeconds: 5,
    load: [0, 0, 0],
    memTotalBytes: 0,
    memAvailableBytes: 0,
    diskTotalBytes: 0,
    diskUsedBytes: 0,
    checks: [],
    labels: {},
  };
}

function setup(legacy = false) {
  const core = new MonitorCore();
  const warnings: RejectSummary[] = [];
  const ing = createIngest(core, {
    keyring: new Keyring(key),
    legacy,
    maxSkewMs: 60_000,
    warn: (s) => warnings.push(s),
    warnEveryMs: 10_000,
  });
  return { core, warnings, ...ing };
}

describe('ingest', () => {
  it('accepts an authenticated beat and counts every datagram', () => {
    const { core, ingest } = setup();
    ingest(encodeBeat(beat(1), key), '10.0.0.1', 999, NOW);
    expect(core.host('h1')?.address).toBe('10.0.0.1:999');
    expect(core.stats()).toMatchObject({ packetsTotal: 1, beatsTotal: 1 });
  });

  it.each([
    {
      name: 'garbage',
      buf: () => Buffer.from('hello world, not a beat at all, certainly not'),
      reason: 'too-short',
    },
    {
      name: 'a forged beat',
      buf: () => encodeBeat(beat(1), { id: key.id, secret: other.secret }),
      reason: 'bad-mac',
    },
    { name: 'an unknown key id', buf: () => encodeBeat(beat(1), other), reason: 'unknown-key' },
    { name: 'legacy without --legacy', buf: () => Buffer.from('Thump!'), reason: 'legacy-disabled' },
  ])('drops $name with reason $reason', ({ buf, reason }) => {
    const { core, ingest } = setup();
    ingest(buf(), '10.0.0.1', 1, NOW);
    expect(core.stats().rejected).toEqual({ [reason]: 1 });
    expect(core.stats().beatsTotal).toBe(0);
    expect(core.hosts()).toEqual([]);
  });

  it('counts a replayed datagram once, as replay', () => {
    const { core, ingest } = setup();
    const b = encodeBeat(beat(1), key);
    ingest(b, '10.0.0.1', 1, NOW);
    ingest(b, '10.0.0.1', 1, NOW);
    expect(core.stats().rejected).toEqual({ replay: 1 });
  });

  it('accepts Thump! and PyHB with --legacy, identified by source IP', () => {
    const { core, ingest } = setup(true);
    ingest(Buffer.from('Thump!'), '192.168.0.9', 1, NOW);
    ingest(Buffer.from('PyHB'), '192.168.0.10', 1, NOW);
    expect(core.hosts().map((h) => [h.id, h.source])).toEqual([
      ['192.168.0.9', 'legacy'],
      ['192.168.0.10', 'legacy'],
    ]);
  });

  it('summarises rejections at most once per window instead of per packet', () => {
    const { warnings, ingest, flushWarnings } = setup();
    for (let k = 0; k < 1000; k++) ingest(Buffer.from('junk'), '10.0.0.2', 5, NOW + k);
    expect(warnings).toHaveLength(0);
    ingest(Buffer.from('junk'), '10.0.0.2', 5, NOW + 10_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      total: 1001,
      byReason: { 'too-short': 1001 },
      lastFrom: '10.0.0.2:5',
    });
    flushWarnings(NOW + 20_000);
    expect(warnings).toHaveLength(1);
  });

  it('normalises IPv4-mapped IPv6 sources', () => {
    expect(plainIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(plainIp('fe80::1')).toBe('fe80::1');
  });
});
