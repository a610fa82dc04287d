import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { Keyring, keyFromSecret } from './keyring.js';
import type { Key } from './types.js';

/**
 * Reads every secret in a secret file: one per line, blank lines and `#` comments ignored,
 * the first line is the primary key (the one an agent sends with). Several lines let a monitor
 * accept an old and a new secret during a rotation.
 *
 * Refuses files that group or others can access (like ssh with private keys): a readable
 * secret lets anyone on the machine forge beats. Every error names the file, never the secret.
 */
export function loadSecretKeys(path: string): Key[] {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`secret file ${path} is not a regular file`);
    mode = st.mode;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UsageError(`secret file ${path} does not exist; create one with: thump keygen --out ${path}`);
    }
    throw new UsageError(`cannot read secret file ${path}: ${code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(
      `secret file ${path} is accessible by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read secret file ${path}: ${code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) {
    throw new UsageError(`secret file ${path} is empty; create one with: thump keygen --out ${path}`);
  }
  return lines.map((l, i) =>
    keyFromSecret(l, `secret file ${path}${lines.length > 1 ? ` (secret ${i + 1})` : ''}`),
  );
}

/** The primary (first) secret of a secret file; see {@link loadSecretKeys}. */
export function loadSecretFile(path: string): Key {
  return loadSecretKeys(path)[0] as Key;
}

/**
 * The keyring a monitor verifies with: every secret of every file, plus `THUMP_SECRET`
 * (pass `env`) when set. Throws a UsageError when no secret is given at all.
 */
export function loadKeyring(paths: readonly string[], env?: string): Keyring {
  const ring = new Keyring();
  for (const p of paths) for (const k of loadSecretKeys(p)) ring.add(k);
  if (env !== undefined && env.trim() !== '') ring.add(keyFromSecret(env, 'THUMP_SECRET'));
  if (ring.size === 0) {
    throw new UsageError(
      'no secret given: use --secret-file FILE or set THUMP_SECRET (create one with thump keygen)',
    );
  }
  return ring;
}
