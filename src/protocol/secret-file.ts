import { UsageError } from '../errors.js';
import { readSecretText } from '../util/secret-file.js';
import { Keyring, keyFromSecret } from './keyring.js';
import type { Key } from './types.js';

/**
 * Reads every secret in a secret file: one per line, blank lines and `#` comments ignored,
 * the first line is the primary key (the one an agent sends with). Several lines let a monitor
 * accept an old and a new secret during a rotation.
 *
 * The file is checked by the one secret-file reader ({@link readSecretText}): private (mode
 * and owner, like ssh with private keys: a readable secret lets anyone on the machine forge
 * beats) and not empty. `key` names the config key or flag in messages. Every error names
 * the file, never the secret.
 */
export function loadSecretKeys(path: string, key?: string): Key[] {
  const text = readSecretText(path, {
    ...(key !== undefined ? { key } : {}),
    access: 'private',
    comments: true,
    hint: `create one with: thump keygen --out ${path}`,
  });
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return lines.map((l, i) =>
    keyFromSecret(l, `secret file ${path}${lines.length > 1 ? ` (secret ${i + 1})` : ''}`),
  );
}

/** The primary (first) secret of a secret file; see {@link loadSecretKeys}. */
export function loadSecretFile(path: string, key?: string): Key {
  return loadSecretKeys(path, key)[0] as Key;
}

/**
 * The keyring a monitor verifies with: every secret of every file, plus `THUMP_SECRET`
 * (pass `env`) when set. Throws a UsageError when no secret is given at all.
 */
export function loadKeyring(paths: readonly string[], env?: string, key?: string): Keyring {
  const ring = new Keyring();
  for (const p of paths) for (const k of loadSecretKeys(p, key)) ring.add(k);
  if (env !== undefined && env.trim() !== '') ring.add(keyFromSecret(env, 'THUMP_SECRET'));
  if (ring.size === 0) {
    throw new UsageError(
      'no secret given: use --secret-file FILE or set THUMP_SECRET (create one with thump keygen)',
    );
  }
  return ring;
}
