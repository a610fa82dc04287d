import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { readSecretFile, resolveSecret } from './secret.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'hb.key'), 'sup3r-secret\n');
writeFileSync(join(dir, 'empty.key'), '\n');
mkdirSync(join(dir, 'folder'));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('resolveSecret', () => {
  it('reads the file and drops the trailing newline', () => {
    expect(resolveSecret(undefined, join(dir, 'hb.key'))).toBe('sup3r-secret');
  });

  it('resolves a relative file against the base folder', () => {
    expect(resolveSecret(undefined, 'hb.key', dir)).toBe('sup3r-secret');
  });

  it('returns the inline value when no file is given, and undefined when neither is', () => {
    expect(resolveSecret('inline', undefined)).toBe('inline');
    expect(resolveSecret(undefined, undefined)).toBeUndefined();
    expect(resolveSecret('', '')).toBeUndefined();
  });

  it('refuses both an inline value and a file', () => {
    const err = thrown(() => resolveSecret('x', 'hb.key', dir, 'notifiers[2].url'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('notifiers[2].url: at most one of url & url_file may be set');
  });

  it.each([
    ['a missing file', 'nope.key', 'no such file'],
    ['a folder', 'folder', 'is a folder, not a file'],
    ['an empty file', 'empty.key', 'is empty'],
  ])('names the key and the file for %s', (_what, file, why) => {
    const err = thrown(() => resolveSecret(undefined, file, dir, 'monitor.secret'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('monitor.secret_file');
    expect(err.message).toContain(join(dir, file));
    expect(err.message).toContain(why);
  });

  it('says permission denied for an unreadable file', () => {
    const f = join(dir, 'locked.key');
    writeFileSync(f, 'x');
    chmodSync(f, 0o000);
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() === 0) {
      expect(readSecretFile(f, 'k')).toBe('x');
    } else {
      expect(thrown(() => readSecretFile(f, 'k')).message).toContain('permission denied');
    }
  });
});
