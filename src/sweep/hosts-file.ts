/**
 * Pure parser for sweep host lists: one host per line as `host`, `user@host`,
 * `host:port`, `user@host:port`, `[v6addr]`, `[v6addr]:port` or a bare IPv6 address;
 * `#` starts a comment; blank lines are ignored. Bad lines are reported with their
 * line number instead of being dropped, so a typo never silently shrinks a sweep.
 */

/** One parsed line; user and port are absent when the line did not say. */
export interface HostEntry {
  /** The text as written, trimmed (the result key). */
  spec: string;
  host: string;
  user?: string;
  port?: number;
  /** 1-based line number in the list. */
  line: number;
}

export interface HostLineError {
  line: number;
  text: string;
  message: string;
}

export interface ParsedHostList {
  entries: HostEntry[];
  errors: HostLineError[];
  /** Lines repeating an earlier spec; they are probed once. */
  duplicates: Array<{ line: number; firstLine: number; spec: string }>;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/;
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** Parses one line's spec (comment and whitespace already removed). */
export function parseHostSpec(spec: string): Omit<HostEntry, 'line' | 'spec'> | { error: string } {
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER.test(user)) return { error: `invalid user name "${user}"` };
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { error: 'missing "]" after IPv6 address' };
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return { error: `unexpected "${after}" after "]"` };
      portText = after.slice(1);
    }
    if (!isIpv6(host)) return { error: `"${host}" is not an IPv6 address` };
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    // A bare IPv6 address: no port possible without brackets.
    host = rest;
    if (!isIpv6(host)) return { error: `"${host}" is not an IPv6 address (write [addr]:port for a port)` };
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!HOSTNAME.test(host))
      return { error: host === '' ? 'missing host name' : `invalid host name "${host}"` };
  }
  const out: Omit<HostEntry, 'line' | 'spec'> = { host };
  if (user !== undefined) out.user = user;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return { error: `invalid port "${portText}" (expected 1-65535)` };
    }
    out.port = Number(portText);
  }
  return out;
}

function isIpv6(s: string): boolean {
  // Loose on purpose: the socket layer gives the precise error; this catches typos.
  return /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/.test(s) && s.includes(':');
}

/** Parses a whole host list. */
export function parseHostList(text: string): ParsedHostList {
  const entries: HostEntry[] = [];
  const errors: HostLineError[] = [];
  const duplicates: ParsedHostList['duplicates'] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const hash = raw.indexOf('#');
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === '') continue;
    const lineNo = i + 1;
    if (/\s/.test(content)) {
      errors.push({ line: lineNo, text: raw, message: 'one host per line (found whitespace inside)' });
      continue;
    }
    const parsed = parseHostSpec(content);
    if ('error' in parsed) {
      errors.push({ line: lineNo, text: raw, message: parsed.error });
      continue;
    }
    const first = seen.get(content);
    if (first !== undefined) {
      duplicates.push({ line: lineNo, firstLine: first, spec: content });
      continue;
    }
    seen.set(content, lineNo);
    entries.push({ spec: content, line: lineNo, ...parsed });
  }
  return { entries, errors, duplicates };
}

/** One line per bad entry, `name:12: invalid port "99999" (...)`, for usage errors. */
export function formatHostListErrors(source: string, errors: readonly HostLineError[]): string {
  return errors.map((e) => `${source}:${e.line}: ${e.message}: ${e.text.trim()}`).join('\n');
}
