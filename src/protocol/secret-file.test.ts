import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { generateSecret, keyIdFor } from './keyring.js';
import { loadKeyring, loadSecretFile, loadSecretKeys } from './secret-file.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
  return p;
}

describe('secret files', () => {
  it('loads a generated secret with its derived key id', () => {
    const s = generateSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const k = loadSecretFile(file('ok', `${s}\n`));
    expect(k.secret.toString()).toBe(s);
    expect(k.id).toBe(keyIdFor(Buffer.from(s)));
  });

  it('reads several secrets, first one primary, skipping comments and blank lines', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    const keys = loadSecretKeys(file('multi', `# new\n${a}\n\n${b}\n`));
    expect(keys.map((k) => k.secret.toString())).toEqual([a, b]);
    expect(loadKeyring([join(dir, 'multi')]).size).toBe(2);
  });

  it.each([
    ['missing', () => join(dir, 'nope'), /secret file .*nope: no such file; create one with: thump keygen/],
    ['empty', () => file('empty', '\n# only a comment\n'), /secret file .*empty is empty/],
    ['too short', () => file('short', 'abc\n'), /secret file .*short is too short \(3 bytes/],
    ['world readable', () => file('loose', `${generateSecret()}\n`, 0o644), /mode 0644.*chmod 600/],
    ['a folder', () => dir, /is a folder, not a file/],
  ])('gives a usage error naming the file when it is %s', (_name, make, message) => {
    const p = make();
    let err: unknown;
    try {
      loadSecretFile(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  it('never puts the secret in an error', () => {
    const p = file('short2', 'sekrit!\n');
    expect(() => loadSecretFile(p)).toThrow(/too short/);
    try {
      loadSecretFile(p);
    } catch (e) {
      expect((e as Error).message).not.toContain('sekrit');
    }
  });

  it('builds a keyring from THUMP_SECRET and refuses to run with no secret', () => {
    expect(loadKeyring([], 'an environment secret value').size).toBe(1);
    expect(() => loadKeyring([], undefined)).toThrow(/no secret given/);
  });
});
