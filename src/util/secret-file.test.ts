import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { readSecretText } from './secret-file.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-secret-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('readSecretText (the one secret-file reader)', () => {
  it('returns the text of a private file', () => {
    expect(readSecretText(file('ok', 's3cret\n'), { access: 'private' })).toBe('s3cret\n');
  });

  it.each([
    ['missing', () => join(dir, 'nope'), 'k: cannot read secret file {p}: no such file; make one'],
    [
      'a folder',
      () => {
        mkdirSync(join(dir, 'sub'), { recursive: true });
        return join(dir, 'sub');
      },
      'k: secret file {p} is a folder, not a file',
    ],
    ['empty', () => file('empty', ' \n\n'), 'k: secret file {p} is empty; make one'],
    [
      'group-readable',
      () => file('g', 'x', 0o640),
      'k: secret file {p} is accessible by group or others (mode 0640); run: chmod 600 {p}',
    ],
    [
      'world-readable',
      () => file('w', 'x', 0o604),
      'k: secret file {p} is accessible by group or others (mode 0604); run: chmod 600 {p}',
    ],
  ])('refuses a private file that is %s, naming key and path', (_what, make, expected) => {
    const p = make();
    expect(message(() => readSecretText(p, { key: 'k', access: 'private', hint: 'make one' }))).toBe(
      expected.replaceAll('{p}', p),
    );
  });

  it('treats a file of comments as empty only when comments are not content', () => {
    const p = file('comments', '# rotate me\n');
    expect(message(() => readSecretText(p, { access: 'private', comments: true }))).toMatch(/is empty$/);
    expect(readSecretText(p, { access: 'private' })).toBe('# rotate me\n');
  });

  it('skips mode and owner checks for access "any" but still refuses an empty file', () => {
    expect(readSecretText(file('shared', 'url\n', 0o644), { access: 'any' })).toBe('url\n');
    expect(message(() => readSecretText(file('shared-empty', '', 0o644), { access: 'any' }))).toMatch(
      /is empty$/,
    );
  });

  it("refuses a private file owned by another user (root's are fine)", () => {
    const uid = process.getuid?.();
    if (uid !== 0)
      throw new Error(`this test needs root to chown a file to another user (running as uid ${uid})`);
    const p = file('theirs', 'x');
    chownSync(p, 65534, 65534);
    expect(message(() => readSecretText(p, { access: 'private' }))).toBe(
      `secret file ${p} belongs to uid 65534, not to this user (uid 0) or root; run: chown 0 ${p}`,
    );
    expect(readSecretText(p, { access: 'any' })).toBe('x');
  });

  it('never puts the contents in an error', () => {
    const p = file('leaky', 'hunter2-very-secret', 0o644);
    expect(message(() => readSecretText(p, { access: 'private' }))).not.toContain('hunter2');
  });
});
