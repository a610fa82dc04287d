import { describe, expect, it } from 'vitest';
import { hostMatches, parseSshConfig, resolveSshHost } from './ssh-config.js';

const ctx = { home: '/home/ops', localUser: 'ops' };

const CONFIG = `
# global defaults come last in practice; first value wins
Host web*.prod !web9.prod
    HostName %h.example.net
    User deploy
    IdentityFile ~/.ssh/prod_key

Host db1
  HostName=10.0.0.5
  Port 2222
  IdentityFile "/keys/%r-%h"

Match host foo
  User never

Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_ed25519
`;

describe('ssh config', () => {
  const blocks = parseSshConfig(CONFIG);

  it('applies the first matching value and accumulates identity files', () => {
    expect(resolveSshHost(blocks, 'web1.prod', ctx)).toEqual({
      hostName: 'web1.prod.example.net',
      user: 'deploy',
      port: 22,
      identityFiles: ['/home/ops/.ssh/prod_key', '/home/ops/.ssh/id_ed25519'],
    });
  });

  it('reads Key=value and quoted values and expands tokens', () => {
    expect(resolveSshHost(blocks, 'db1', ctx)).toEqual({
      hostName: '10.0.0.5',
      user: 'fallback',
      port: 2222,
      identityFiles: ['/keys/fallback-10.0.0.5', '/home/ops/.ssh/id_ed25519'],
    });
  });

  it('honours negated patterns and skips Match blocks', () => {
    const r = resolveSshHost(blocks, 'web9.prod', ctx);
    expect(r.user).toBe('fallback');
    expect(r.hostName).toBeUndefined();
    expect(resolveSshHost(blocks, 'foo', ctx).user).toBe('fallback');
  });

  it('matches wildcards case-insensitively', () => {
    expect(hostMatches(['h?-*'], 'H1-abc')).toBe(true);
    expect(hostMatches(['h?-*'], 'h12-abc')).toBe(false);
  });

  it('keeps file order between plain-name and wildcard blocks (first value wins)', () => {
    const b = parseSshConfig(
      [
        'Host *.lab',
        '  User first',
        'Host db1.lab',
        '  User second',
        '  Port 2200',
        'Host other DB1.LAB',
        '  Port 2300',
        '  HostName %h.x',
      ].join('\n'),
    );
    for (const alias of ['db1.lab', 'Db1.Lab']) {
      const r = resolveSshHost(b, alias, ctx);
      expect(r).toEqual({ user: 'first', port: 2200, hostName: `${alias}.x`, identityFiles: [] });
    }
    expect(resolveSshHost(b, 'db2.lab', ctx)).toEqual({ user: 'first', identityFiles: [] });
    expect(resolveSshHost(b, 'other', ctx)).toEqual({ port: 2300, hostName: 'other.x', identityFiles: [] });
  });

  it('matches plain names case-insensitively and only whole, with negation vetoing', () => {
    expect(hostMatches(['Web1.Prod'], 'web1.prod')).toBe(true);
    expect(hostMatches(['web1.prod'], 'web1xprod')).toBe(false);
    expect(hostMatches(['web1'], 'web10')).toBe(false);
    expect(hostMatches(['*', '!db1'], 'DB1')).toBe(false);
    expect(hostMatches(['!db1'], 'web1')).toBe(false);
  });

  it('expands Include files into the current position', () => {
    const b = parseSshConfig('Include extra.conf\nHost *\n  User late\n', (p) =>
      p === 'extra.conf' ? ['Host inc\n  User included\n  Port 2200\n'] : [],
    );
    expect(resolveSshHost(b, 'inc', ctx)).toMatchObject({ user: 'included', port: 2200 });
    expect(resolveSshHost(b, 'other', ctx)).toMatchObject({ user: 'late' });
  });
});
