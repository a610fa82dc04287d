/**
 * Reads a libpq password file (`PGPASSFILE`, else `~/.pgpass`): lines of
 * `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped, `#`
 * comments. Our own 30 lines instead of `pg`'s built-in lookup, which is deprecated (removed in
 * pg 9) and reads the process environment behind the caller's back. Like libpq, a file that
 * group or others may read is ignored.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The fields a line is matched against. */
export interface PgPassQuery {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Splits one line on unescaped `:`, undoing `\:` and `\\`. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && i + 1 < line.length) cur += line[++i];
    else if (ch === ':') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The password of the first matching line of `text`, or undefined. */
export function matchPgPass(text: string, q: PgPassQuery): string | undefined {
  const want = [q.host, String(q.port), q.database, q.user];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const f = fields(raw);
    if (f.length < 5) continue;
    if (want.every((w, i) => f[i] === '*' || f[i] === w)) return f.slice(4).join(':');
  }
  return undefined;
}

/** Looks `q` up in `PGPASSFILE` or `~/.pgpass`; undefined when absent, unreadable or too open. */
export function lookupPgPass(q: PgPassQuery, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return undefined;
    return matchPgPass(readFileSync(file, 'utf8'), q);
  } catch {
    return undefined;
  }
}
