import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/proc.js';
import { loadOrCreateToken } from './auth.js';
import { parseListen } from './listen.js';

const dirs: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('loadOrCreateToken', () => {
  it('creates a random token with mode 0600 on first run and reads the same one afterwards', () => {
    const d = tempDir();
    dirs.push(d);
    const path = join(d.path, 'sub', 'api-token');
    const first = loadOrCreateToken(path);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(path)).toEqual({ token: first.token, created: false });
    expect(loadOrCreateToken(join(d.path, 'other')).token).not.toBe(first.token);
  });

  it('refuses a token file whose first line is too short to be a secret', () => {
    const d = tempDir();
    dirs.push(d);
    const path = join(d.path, 'api-token');
    writeFileSync(path, 'short\n', { mode: 0o600 });
    expect(() => loadOrCreateToken(path)).toThrow(/at least 16 characters/);
  });

  it('refuses a token file that group or others can read, as the secret file is refused', () => {
    const d = tempDir();
    dirs.push(d);
    const path = join(d.path, 'api-token');
    writeFileSync(path, 'a-long-enough-token-value\n');
    chmodSync(path, 0o644);
    expect(() => loadOrCreateToken(path)).toThrow(
      /accessible by group or others \(mode 0644\); run: chmod 600/,
    );
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('%s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['::1:8080', 'host', 'host:99999', 'host:http'])('rejects %s naming the key', (text) => {
    expect(() => parseListen(text, '--http')).toThrow(/^--http: expected/);
  });
});
