import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  entryMatches,
  hostKeyAlgorithmsFor,
  KnownHostsIndex,
  keyBlobType,
  knownHostsLine,
  lookupHostKey,
  parseKnownHosts,
} from './known-hosts.js';

function blob(type: string, fill: number): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.alloc(32, fill)]);
}
const K1 = blob('ssh-ed25519', 1);
const K2 = blob('ssh-ed25519', 2);
const R1 = blob('ssh-rsa', 3);

function hashed(name: string): string {
  const salt = Buffer.alloc(20, 7);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('matches plain, bracketed, wildcard, negated and hashed names', () => {
    expect(entryMatches('web1,10.0.0.1', 'web1', 22)).toBe(true);
    expect(entryMatches('web1', 'web1', 2222)).toBe(false);
    expect(entryMatches('[web1]:2222', 'web1', 2222)).toBe(true);
    expect(entryMatches('*.example.com,!bad.example.com', 'a.example.com', 22)).toBe(true);
    expect(entryMatches('*.example.com,!bad.example.com', 'bad.example.com', 22)).toBe(false);
    expect(entryMatches('web?', 'web7', 22)).toBe(true);
    expect(entryMatches(hashed('[127.0.0.1]:2200'), '127.0.0.1', 2200)).toBe(true);
    expect(entryMatches(hashed('[127.0.0.1]:2200'), '127.0.0.1', 2201)).toBe(false);
  });

  it('tells known, unknown, changed and revoked keys apart', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        `web1 ssh-ed25519 ${K1.toString('base64')}`,
        `${hashed('web2')} ssh-ed25519 ${K1.toString('base64')}`,
        `@revoked * ssh-ed25519 ${K2.toString('base64')}`,
        'broken line',
      ].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(lookupHostKey(entries, 'web1', 22, K1)).toEqual({ status: 'known' });
    expect(lookupHostKey(entries, 'web2', 22, K1)).toEqual({ status: 'known' });
    expect(lookupHostKey(entries, 'web3', 22, K1)).toEqual({ status: 'unknown' });
    expect(lookupHostKey(entries, 'web1', 22, K2)).toEqual({ status: 'revoked', line: 4 });
    const k3 = blob('ssh-ed25519', 9);
    expect(lookupHostKey(entries, 'web1', 22, k3)).toEqual({
      status: 'changed',
      line: 2,
      keyType: 'ssh-ed25519',
    });
    // A key of another type than the recorded one is new, not changed (as in OpenSSH).
    expect(lookupHostKey(entries, 'web1', 22, R1)).toEqual({ status: 'unknown' });
  });

  it('offers the host key algorithms recorded for a host', () => {
    const entries = parseKnownHosts(`[h]:2222 ssh-rsa ${R1.toString('base64')}\n`);
    expect(hostKeyAlgorithmsFor(entries, 'h', 2222)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithmsFor(entries, 'h', 22)).toBeUndefined();
  });

  it('writes the line accept-new appends, readable back', () => {
    const line = knownHostsLine('127.0.0.1', 2200, K1);
    expect(line).toBe(`[127.0.0.1]:2200 ssh-ed25519 ${K1.toString('base64')}\n`);
    expect(lookupHostKey(parseKnownHosts(line), '127.0.0.1', 2200, K1)).toEqual({ status: 'known' });
    expect(keyBlobType(Buffer.from([0, 0]))).toBeUndefined();
  });

  it('indexes plain names case-insensitively and keeps file order across plain, pattern and hashed lines', () => {
    const k = (fill: number) => blob('ssh-ed25519', fill).toString('base64');
    const index = new KnownHostsIndex(
      parseKnownHosts(
        [
          `web*,!web9 ssh-ed25519 ${k(11)}`,
          `${hashed('web1')} ssh-ed25519 ${k(12)}`,
          `WEB1,web1,10.0.0.1 ssh-ed25519 ${k(13)}`,
          `[web1]:2222 ssh-rsa ${R1.toString('base64')}`,
        ].join('\n'),
      ),
    );
    expect(index.matching('web1', 22).map((e) => e.line)).toEqual([1, 2, 3]);
    expect(index.matching('Web1', 22).map((e) => e.line)).toEqual([1, 3]);
    expect(index.matching('web9', 22)).toEqual([]);
    expect(index.matching('10.0.0.1', 22).map((e) => e.line)).toEqual([3]);
    expect(index.matching('web1', 2222).map((e) => e.line)).toEqual([4]);
    // The first recorded line of the key's type is the one a changed key is reported against.
    expect(lookupHostKey(index, 'web1', 22, K2)).toEqual({
      status: 'changed',
      line: 1,
      keyType: 'ssh-ed25519',
    });
    expect(lookupHostKey(index, 'web1', 22, blob('ssh-ed25519', 13))).toEqual({ status: 'known' });
  });

  it('sees entries added after a lookup (accept-new) for the same host', () => {
    const index = new KnownHostsIndex();
    expect(lookupHostKey(index, '127.0.0.1', 2200, K1)).toEqual({ status: 'unknown' });
    index.add(parseKnownHosts(knownHostsLine('127.0.0.1', 2200, K1)));
    expect(lookupHostKey(index, '127.0.0.1', 2200, K1)).toEqual({ status: 'known' });
    expect(hostKeyAlgorithmsFor(index, '127.0.0.1', 2200)).toEqual(['ssh-ed25519']);
    index.add(parseKnownHosts(`@revoked * ssh-ed25519 ${K1.toString('base64')}`));
    expect(lookupHostKey(index, '127.0.0.1', 2200, K1)).toEqual({ status: 'revoked', line: 1 });
  });
});
