import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { readSecretText, type SecretFileRules } from '../util/secret-file.js';

/**
 * Reads a secret from a file through the one secret-file reader ({@link readSecretText}):
 * trailing whitespace (the newline `echo` adds) is dropped, an empty file is an error, and
 * with `access: 'private'` (tokens) a file that group or others can read, or that another
 * user owns, is refused. Errors name the key and the file, never the contents.
 */
export function readSecretFile(
  file: string,
  key: string,
  baseDir = process.cwd(),
  access: SecretFileRules['access'] = 'any',
): string {
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  return readSecretText(full, { key, access }).replace(/\s+$/, '');
}

/**
 * The value of a secret that may be given inline (`url`) or as a file (`url_file`), as
 * Alertmanager does. At most one may be set; a relative file path resolves against
 * `baseDir` (the loader already made file paths from thump.yaml absolute). `key` is the
 * key path used in messages, e.g. `notifiers[2].url`. Returns undefined if neither is set.
 */
export function resolveSecret(
  value: string | undefined,
  fileValue: string | undefined,
  baseDir = process.cwd(),
  key = 'secret',
): string | undefined {
  if (value !== undefined && value !== '' && fileValue !== undefined && fileValue !== '') {
    throw new ConfigError(`${key}: at most one of ${lastSegment(key)} & ${lastSegment(key)}_file may be set`);
  }
  if (fileValue !== undefined && fileValue !== '') return readSecretFile(fileValue, `${key}_file`, baseDir);
  if (value !== undefined && value !== '') return value;
  return undefined;
}

function lastSegment(key: string): string {
  const m = /([A-Za-z0-9_]+)$/.exec(key);
  return m?.[1] ?? key;
}
