import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileProblems } from './file-checks.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'ok.key'), 'x');
mkdirSync(join(dir, 'folder'));

describe('fileProblems', () => {
  it('lists *_file keys whose files are missing or not files, with their key paths', () => {
    const cfg = {
      monitor: { secret_file: join(dir, 'ok.key') },
      http: { token_file: join(dir, 'missing.token') },
      notifiers: [{ name: 'a' }, { name: 'b', url_file: join(dir, 'folder') }],
      checks: [{ mounts_file: '-' }],
    };
    expect(fileProblems(cfg)).toEqual([
      { path: 'http.token_file', file: join(dir, 'missing.token'), message: 'no such file' },
      { path: 'notifiers[1].url_file', file: join(dir, 'folder'), message: 'is not a regular file' },
    ]);
  });

  it('finds nothing in a config without files', () => {
    expect(fileProblems({ a: { b: [1, 'x', null] } })).toEqual([]);
  });
});
