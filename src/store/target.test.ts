import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/proc.js';
import { lookupPgPass, matchPgPass } from './pgpass.js';
import { parseDbTarget, redactDbTarget } from './target.js';

describe('redactDbTarget', () => {
  it.each([
    ['postgres://thump:s3cret@db:5432/thump', 'postgres://thump:***@db:5432/thump'],
    ['postgresql://thump:p%40ss@db/thump?sslmode=require', 'postgresql://thump:***@db/thump?sslmode=require'],
    ['postgres://db/thump?user=u&password=s3cret', 'postgres://db/thump?user=u&password=***'],
    ['postgres://thump@db/thump', 'postgres://thump@db/thump'],
    ['./data/thump.db', './data/thump.db'],
  ])('%s -> %s', (raw, shown) => {
    expect(redactDbTarget(raw)).toBe(shown);
  });
});

describe('parseDbTarget', () => {
  it('takes a path as SQLite', () => {
    expect(parseDbTarget('data/thump.db')).toEqual({ kind: 'sqlite', path: 'data/thump.db' });
    expect(parseDbTarget(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('reads user, password, host, port, database and sslmode from a URL', () => {
    expect(parseDbTarget('postgresql://a%20b:p%40ss@[::1]:6543/th?sslmode=require', { env: {} })).toEqual({
      kind: 'postgres',
      host: '::1',
      port: 6543,
      user: 'a b',
      password: 'p@ss',
      database: 'th',
      sslmode: 'require',
      display: 'postgresql://a%20b:***@[::1]:6543/th?sslmode=require',
    });
  });

  it('takes the password from the URL, then password_file, then PGPASSWORD, then PGPASSFILE', () => {
    const d = tempDir();
    const file = join(d.path, 'pw');
    writeFileSync(file, 'from-file\nignored\n');
    const env = { PGPASSWORD: 'from-env' };
    expect(parseDbTarget('postgres://u:url@h/d', { passwordFile: file, env })).toMatchObject({
      password: 'url',
    });
    expect(parseDbTarget('postgres://u@h/d', { passwordFile: file, env })).toMatchObject({
      password: 'from-file',
    });
    expect(parseDbTarget('postgres://u@h/d', { env })).toMatchObject({ password: 'from-env' });
    const none = { PGPASSFILE: join(d.path, 'absent') };
    expect(parseDbTarget('postgres://u@h/d', { env: none })).not.toHaveProperty('password');
    const pgpass = join(d.path, 'pgpass');
    writeFileSync(pgpass, 'other:5432:*:u:no\nh:5432:d:u:from-pgpass\n', { mode: 0o600 });
    expect(parseDbTarget('postgres://u@h/d', { env: { PGPASSFILE: pgpass } })).toMatchObject({
      password: 'from-pgpass',
    });
    expect(
      parseDbTarget('postgres://u@h/d', { env: { PGPASSFILE: pgpass, PGPASSWORD: 'env' } }),
    ).toMatchObject({
      password: 'env',
    });
    expect(() => parseDbTarget('postgres://u@h/d', { passwordFile: join(d.path, 'none') })).toThrow(
      /password_file .*ENOENT/,
    );
    d.cleanup();
  });

  it('defaults to port 5432 and sslmode prefer; options override the URL', () => {
    expect(parseDbTarget('postgres://h/d', { env: {} })).toMatchObject({ port: 5432, sslmode: 'prefer' });
    expect(
      parseDbTarget('postgres://h/d?sslmode=disable', {
        sslmode: 'verify-ca',
        sslCaFile: '/ca.pem',
        env: {},
      }),
    ).toMatchObject({ sslmode: 'verify-ca', sslCaFile: '/ca.pem' });
  });
});

describe('password file (~/.pgpass format)', () => {
  const q = { host: 'db.example', port: 5432, database: 'thump', user: 'thump' };
  it.each([
    ['db.example:5432:thump:thump:pw', 'pw'],
    ['*:*:*:*:star', 'star'],
    ['# comment\n\nother:5432:thump:thump:no\ndb.example:*:thump:thump:second', 'second'],
    ['db.example:5432:thump:thump:a\\:b\\\\c', 'a:b\\c'],
    ['db.example:5433:thump:thump:wrong-port', undefined],
    ['db.example:5432:thump:thump', undefined],
  ])('%j -> %s', (text, want) => {
    expect(matchPgPass(text, q)).toBe(want);
  });

  it('ignores a file group or others may read, as libpq does', () => {
    const d = tempDir();
    const file = join(d.path, 'pgpass');
    writeFileSync(file, '*:*:*:*:pw\n', { mode: 0o644 });
    expect(lookupPgPass(q, { PGPASSFILE: file })).toBeUndefined();
    writeFileSync(join(d.path, 'ok'), '*:*:*:*:pw\n', { mode: 0o600 });
    expect(lookupPgPass(q, { PGPASSFILE: join(d.path, 'ok') })).toBe('pw');
    d.cleanup();
  });
});
