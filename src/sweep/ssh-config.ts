import { globMatcher, SSH_PATTERN } from '../util/glob.js';

/**
 * Pure reader for the parts of OpenSSH's client config a sweep needs (ssh_config(5)):
 * `Host` blocks with `*`/`?` wildcards and `!` negation, `HostName` (with `%h`), `User`,
 * `Port`, `IdentityFile` (accumulating, `~` and `%d/%u/%h/%r` expanded). As in ssh, the
 * first value obtained for a key wins. `Match` blocks are skipped (their conditions
 * need a live ssh), `Include` is expanded by the caller-provided reader.
 */

export interface SshConfigBlock {
  patterns: string[];
  /** Lower-cased key -> values in file order. */
  options: Array<[string, string]>;
  /** False for `Match` blocks, which never apply here. */
  usable: boolean;
}

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

/** Splits a config line into key and value (`Key value`, `Key=value`, quoted values). */
function splitLine(line: string): [string, string] | undefined {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  let value = m[2] as string;
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  return [(m[1] as string).toLowerCase(), value];
}

/**
 * Parses config text. `include(pattern)` returns the text of files an `Include` names
 * (already read); omit it to ignore includes.
 */
export function parseSshConfig(
  text: string,
  include?: (pattern: string) => string[],
  depth = 0,
): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [], usable: true }];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const kv = splitLine(line);
    if (!kv) continue;
    const [key, value] = kv;
    if (key === 'host') {
      blocks.push({ patterns: value.split(/\s+/).filter(Boolean), options: [], usable: true });
    } else if (key === 'match') {
      blocks.push({ patterns: [], options: [], usable: false });
    } else if (key === 'include') {
      if (!include || depth > 8) continue;
      const current = blocks[blocks.length - 1] as SshConfigBlock;
      for (const pattern of value.split(/\s+/)) {
        for (const sub of include(pattern)) {
          // Included files' top-level lines belong to the current block (as in ssh).
          const [top, ...rest] = parseSshConfig(sub, include, depth + 1);
          current.options.push(...(top?.options ?? []));
          blocks.push(...rest);
        }
      }
    } else {
      (blocks[blocks.length - 1] as SshConfigBlock).options.push([key, value]);
    }
  }
  return blocks;
}

/**
 * A `Host` pattern as a test on an alias: `*` and `?` wildcards, case-insensitive, `[` literal
 * (OpenSSH's match_pattern). No RegExp: the matcher is linear (src/util/glob.ts).
 */
function patternTest(pattern: string): (alias: string) => boolean {
  return globMatcher(pattern, SSH_PATTERN);
}

type PatternList = Array<{ negated: boolean; test: (alias: string) => boolean }>;

/** Each block's pattern list compiled once (a sweep resolves every alias against every block). */
const compiled = new WeakMap<readonly string[], PatternList>();

function compile(patterns: readonly string[]): PatternList {
  let list = compiled.get(patterns);
  if (!list) {
    list = patterns.map((p) =>
      p.startsWith('!')
        ? { negated: true, test: patternTest(p.slice(1)) }
        : { negated: false, test: patternTest(p) },
    );
    compiled.set(patterns, list);
  }
  return list;
}

/** True when a `Host` pattern list matches `alias` (a negated match vetoes). */
export function hostMatches(patterns: readonly string[], alias: string): boolean {
  let matched = false;
  for (const p of compile(patterns)) {
    if (p.test(alias)) {
      if (p.negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Expands `%h`, `%d`, `%u`, `%r`, `%%` and a leading `~`. */
export function expandTokens(
  value: string,
  ctx: { host: string; home: string; localUser: string; user?: string },
): string {
  const expanded = value.replace(/%([%hdur])/g, (_m, t: string) => {
    if (t === '%') return '%';
    if (t === 'h') return ctx.host;
    if (t === 'd') return ctx.home;
    if (t === 'u') return ctx.localUser;
    return ctx.user ?? ctx.localUser;
  });
  return expanded === '~'
    ? ctx.home
    : expanded.startsWith('~/')
      ? `${ctx.home}${expanded.slice(1)}`
      : expanded;
}

interface BlockIndex {
  /** Blocks whose patterns are all plain names, by lower-cased name (block positions). */
  byName: Map<string, number[]>;
  /** Usable blocks with a wildcard or a negation: checked for every alias. */
  scanned: number[];
}

const indexes = new WeakMap<readonly SshConfigBlock[], BlockIndex>();

/**
 * The usable blocks that can match `alias`, in file order. A config with a `Host` block
 * per machine (hundreds) would otherwise test every block for every alias of a sweep.
 */
function blocksFor(blocks: readonly SshConfigBlock[], alias: string): SshConfigBlock[] {
  let index = indexes.get(blocks);
  if (!index) {
    index = { byName: new Map(), scanned: [] };
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i] as SshConfigBlock;
      if (!b.usable) continue;
      if (b.patterns.some((p) => /[*?!]/.test(p))) {
        index.scanned.push(i);
        continue;
      }
      for (const name of new Set(b.patterns.map((p) => p.toLowerCase()))) {
        const at = index.byName.get(name);
        if (at) at.push(i);
        else index.byName.set(name, [i]);
      }
    }
    indexes.set(blocks, index);
  }
  const named = index.byName.get(alias.toLowerCase()) ?? [];
  const order = named.length === 0 ? index.scanned : [...named, ...index.scanned].sort((a, b) => a - b);
  return order.map((i) => blocks[i] as SshConfigBlock);
}

/** What the config says for one alias (first value wins; IdentityFile accumulates). */
export function resolveSshHost(
  blocks: readonly SshConfigBlock[],
  alias: string,
  ctx: { home: string; localUser: string },
): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  const rawIdentities: string[] = [];
  for (const b of blocksFor(blocks, alias)) {
    if (!hostMatches(b.patterns, alias)) continue;
    for (const [key, value] of b.options) {
      if (key === 'hostname' && out.hostName === undefined) out.hostName = value;
      else if (key === 'user' && out.user === undefined) out.user = value;
      else if (key === 'port' && out.port === undefined) {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 1 && n <= 65535) out.port = n;
      } else if (key === 'identityfile' && value.toLowerCase() !== 'none') rawIdentities.push(value);
    }
  }
  if (out.hostName !== undefined) out.hostName = out.hostName.replace(/%h/g, alias);
  const host = out.hostName ?? alias;
  const tokens = { host, home: ctx.home, localUser: ctx.localUser, ...(out.user ? { user: out.user } : {}) };
  out.identityFiles = rawIdentities.map((v) => expandTokens(v, tokens));
  return out;
}
