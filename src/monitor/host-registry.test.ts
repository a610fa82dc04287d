import { describe, expect, it } from 'vitest';
import { HostRegistry, parseIpv4 } from './host-registry.js';

describe('HostRegistry', () => {
  it.each([
    ['10.0.0.1', 0x0a000001],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    ['1.2.3', -1],
    ['1.2.3.4.5', -1],
    ['256.1.1.1', -1],
    ['::1', -1],
    ['1..2.3', -1],
    ['', -1],
  ])('parses %s as IPv4 %d', (text, want) => {
    expect(parseIpv4(text)).toBe(want);
  });

  it('stores IPv4 and IPv6 sources and formats them back', () => {
    const r = new HostRegistry(16);
    const a = r.add('a', 'agent', 1);
    const b = r.add('b', 'agent', 1);
    r.setAddress(a, '192.168.1.20', 43278);
    r.setAddress(b, 'fe80::1', 5000);
    expect(r.address(a)).toBe('192.168.1.20:43278');
    expect(r.address(b)).toBe('[fe80::1]:5000');
    r.setAddress(b, '10.9.8.7', 1);
    expect(r.address(b)).toBe('10.9.8.7:1');
  });

  it('keeps boot ids as numbers and compares them without allocating strings', () => {
    const r = new HostRegistry(16);
    const i = r.add('a', 'agent', 1);
    expect(r.hasBoot(i)).toBe(false);
    r.setBoot(i, '0123456789abcdef');
    expect(r.bootId(i)).toBe('0123456789abcdef');
    expect(r.sameBoot(i, '0123456789abcdef')).toBe(true);
    expect(r.sameBoot(i, '0123456789abcdee')).toBe(false);
    r.setBoot(i, 'ffffffff00000000');
    expect(r.bootId(i)).toBe('ffffffff00000000');
  });

  it('shows load averages in the hundredths the wire carries, without float32 noise', () => {
    const r = new HostRegistry(16);
    const i = r.add('a', 'agent', 1);
    r.load[i * 3] = 18.38;
    r.load[i * 3 + 1] = 0.07;
    r.load[i * 3 + 2] = 123.45;
    expect(r.snapshot(i).load).toEqual([18.38, 0.07, 123.45]);
  });

  it('grows past its initial capacity and keeps every host and count', () => {
    const r = new HostRegistry(16);
    for (let k = 0; k < 1000; k++) r.add(`h${k}`, 'agent', k);
    expect(r.size).toBe(1000);
    expect(r.find('h999')).toBe(999);
    expect(r.counts[0]).toBe(1000);
    expect(r.snapshot(500)).toMatchObject({ id: 'h500', state: 'up', firstSeenAt: 500 });
  });

  it('restores a stored host exactly as it was snapshotted', () => {
    const r = new HostRegistry(16);
    const i = r.add('web', 'agent', 10);
    r.setBoot(i, 'aaaaaaaabbbbbbbb');
    r.setAddress(i, '::1', 7);
    r.seq[i] = 9;
    r.setState(i, 2, 99);
    const snap = r.snapshot(i);
    const r2 = new HostRegistry(16);
    expect(r2.snapshot(r2.restore(snap))).toEqual(snap);
  });
});
