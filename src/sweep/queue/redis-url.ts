import { UsageError } from '../../errors.js';

/**
 * The Redis URL as it may appear in errors and logs: the password is dropped, the user,
 * host, port and database are kept so the operator sees which server was meant.
 */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    // URL keeps a dangling ':' when only the password went (`redis://:@h`): tidy it.
    return u.toString().replace('//:@', '//').replace(/\/$/, '');
  } catch {
    return '<invalid Redis URL>';
  }
}

/** Accepts `redis://` and `rediss://` (TLS) URLs; anything else is a usage error (exit 2). */
export function checkRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('--redis: not a valid URL; expected redis://[user:password@]host[:port][/db]');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`--redis: expected a redis:// or rediss:// URL, got ${u.protocol}//`);
  }
  if (!u.hostname) throw new UsageError('--redis: the URL has no host');
  return url;
}
