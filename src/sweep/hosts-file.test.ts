import { describe, expect, it } from 'vitest';
import { formatHostListErrors, parseHostList, parseHostSpec } from './hosts-file.js';

describe('parseHostSpec', () => {
  it.each([
    ['web1', { host: 'web1' }],
    ['web1.example.com', { host: 'web1.example.com' }],
    ['root@web1', { host: 'web1', user: 'root' }],
    ['web1:2222', { host: 'web1', port: 2222 }],
    ['deploy@10.0.0.5:2200', { host: '10.0.0.5', user: 'deploy', port: 2200 }],
    ['[::1]:2222', { host: '::1', port: 2222 }],
    ['[fe80::1%eth0]', { host: 'fe80::1%eth0' }],
    ['ops@[2001:db8::7]:22', { host: '2001:db8::7', user: 'ops', port: 22 }],
    ['2001:db8::7', { host: '2001:db8::7' }],
  ])('parses %s', (spec, expected) => {
    expect(parseHostSpec(spec)).toEqual(expected);
  });

  it.each([
    ['web1:0', 'invalid port'],
    ['web1:65536', 'invalid port'],
    ['web1:ssh', 'invalid port'],
    ['@web1', 'invalid user'],
    ['bob@', 'missing host'],
    ['[::1', 'missing "]"'],
    ['[::1]2222', 'unexpected'],
    ['[web1]:22', 'not an IPv6'],
    ['we$b1', 'invalid host name'],
    [':22', 'missing host'],
  ])('rejects %s', (spec, message) => {
    const r = parseHostSpec(spec);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toContain(message);
  });
});

describe('parseHostList', () => {
  it('skips comments and blank lines and keeps line numbers', () => {
    const r = parseHostList('# fleet\n\nweb1\n  db1:2222   # primary\r\nops@cache1\n');
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { spec: 'web1', host: 'web1', line: 3 },
      { spec: 'db1:2222', host: 'db1', port: 2222, line: 4 },
      { spec: 'ops@cache1', host: 'cache1', user: 'ops', line: 5 },
    ]);
  });

  it('reports every bad line with its number and keeps the good ones', () => {
    const r = parseHostList('web1\nweb2:99999\nweb3 web4\nweb5\n');
    expect(r.entries.map((e) => e.spec)).toEqual(['web1', 'web5']);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(formatHostListErrors('hosts.txt', r.errors)).toBe(
      'hosts.txt:2: invalid port "99999" (expected 1-65535): web2:99999\n' +
        'hosts.txt:3: one host per line (found whitespace inside): web3 web4',
    );
  });

  it('probes a repeated spec once and says where it first appeared', () => {
    const r = parseHostList('web1\nweb2\nweb1\nroot@web1\n');
    expect(r.entries.map((e) => e.spec)).toEqual(['web1', 'web2', 'root@web1']);
    expect(r.duplicates).toEqual([{ line: 3, firstLine: 1, spec: 'web1' }]);
  });

  it('accepts an empty list', () => {
    expect(parseHostList('')).toEqual({ entries: [], errors: [], duplicates: [] });
  });
});
