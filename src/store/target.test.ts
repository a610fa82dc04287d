import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/proc.js';
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

  it('takes the password from the URL, then password_file, then PGPASSWORD, else leaves it to ~/.pgpass', () => {
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
    expect(parseDbTarget('postgres://u@h/d', { env: {} })).not.toHaveProperty('password');
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
