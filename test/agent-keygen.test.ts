import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyIdFor, loadSecretFile } from '../src/protocol/index.js';
import { spawnThump, tempDir } from './support/proc.js';

const dir = tempDir('thump-keygen-');
afterAll(() => dir.cleanup());

describe('thump keygen', () => {
  it('writes a new 0600 secret file, prints how to use it, and never overwrites without --force', async () => {
    const out = join(dir.path, 'secret');
    const p = spawnThump(['keygen', '--out', out]);
    expect(await p.exited).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const key = loadSecretFile(out);
    expect(key.secret.length).toBe(43);
    expect(p.stdout()).toContain(`key id ${key.id}`);
    expect(p.stdout()).toContain(`thump agent --to MONITOR_HOST --secret-file ${out}`);
    expect(p.stdout()).not.toContain(key.secret.toString());

    const again = spawnThump(['keygen', '--out', out]);
    expect(await again.exited).toBe(2);
    expect(again.stderr()).toMatch(/already exists \(use --force/);
    expect(readFileSync(out, 'utf8').trim()).toBe(key.secret.toString());

    const forced = spawnThump(['keygen', '--out', out, '--force']);
    expect(await forced.exited).toBe(0);
    expect(readFileSync(out, 'utf8').trim()).not.toBe(key.secret.toString());
  });

  it('prints only the secret on stdout without --out', async () => {
    const p = spawnThump(['keygen']);
    expect(await p.exited).toBe(0);
    const secret = p.stdout().trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.stderr()).toContain(`key id ${keyIdFor(Buffer.from(secret))}`);
  });
});
