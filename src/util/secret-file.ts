import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { readErrorReason } from './read-error.js';

/** How a secret file must look; see {@link readSecretText}. */
export interface SecretFileRules {
  /** The config key or flag that named the file, put in front of every message (`monitor.secret_file`). */
  key?: string;
  /**
   * `private`: refuse a file that group or others can access, or that belongs to another
   * user than this process's (root excepted), as ssh does with private keys: anyone who
   * can read it can forge beats or write to the API. `any`: no mode or owner check (for
   * notifier secrets, often mounted read-only by a container runtime).
   */
  access: 'private' | 'any';
  /** Lines starting with `#` do not count as content (so a file of comments is empty). */
  comments?: boolean;
  /** How to make a good file, appended to "missing" and "empty" messages. */
  hint?: string;
}

/** The mode as `0644`. */
const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * Reads a secret file after checking it: a regular file, private when `rules.access` says
 * so (mode and owner), and not empty. The single reader behind every secret and token file
 * (`monitor.secret_file`, `agent.secret_file`, `http.token_file`, the generated API token,
 * notifier `*_file` keys), so `thump check-config --strict` and start-up judge a file alike.
 * Returns the whole text; callers take their line(s). Errors are {@link ConfigError}s (exit 2)
 * naming the key and the path, never the contents.
 */
export function readSecretText(path: string, rules: SecretFileRules): string {
  const prefix = rules.key === undefined ? '' : `${rules.key}: `;
  const hint = rules.hint === undefined ? '' : `; ${rules.hint}`;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const why = readErrorReason(err, 'unreadable');
    throw new ConfigError(
      `${prefix}cannot read secret file ${path}: ${why}${why === 'no such file' ? hint : ''}`,
      { cause: err },
    );
  }
  try {
    // fstat on the open descriptor: what is checked is what is read.
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ConfigError(`${prefix}secret file ${path} is a folder, not a file`);
    if (!st.isFile()) throw new ConfigError(`${prefix}secret file ${path} is not a regular file`);
    if (rules.access === 'private') {
      if ((st.mode & 0o077) !== 0) {
        throw new ConfigError(
          `${prefix}secret file ${path} is accessible by group or others (mode ${octal(st.mode)}); run: chmod 600 ${path}`,
        );
      }
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
        throw new ConfigError(
          `${prefix}secret file ${path} belongs to uid ${st.uid}, not to this user (uid ${uid}) or root; run: chown ${uid} ${path}`,
        );
      }
    }
    let text: string;
    try {
      text = readFileSync(fd, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `${prefix}cannot read secret file ${path}: ${readErrorReason(err, 'unreadable')}`,
        {
          cause: err,
        },
      );
    }
    const content = text
      .split(/\r?\n/)
      .some((l) => l.trim() !== '' && !(rules.comments === true && l.trim().startsWith('#')));
    if (!content) throw new ConfigError(`${prefix}secret file ${path} is empty${hint}`);
    return text;
  } finally {
    closeSync(fd);
  }
}
