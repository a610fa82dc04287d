import { LIMITS } from './limits.js';

/**
 * Shell-style globs on host ids (`web-*`, `db-?`, `rack[12]-*`, `[!a]*`), matched without
 * any RegExp. An iterative matcher with backtracking to the last `*` only: a match costs at
 * most pattern length × text length steps, whatever the pattern (a backtracking RegExp built
 * from `*` was exponential: issue 17). Only `*`, `?` and `[...]` are special; everything else
 * matches literally. Shared by the notify area (routes, silences, dependencies), the HTTP host
 * filter and the sweep's ssh_config / known_hosts patterns.
 */

/** One compiled pattern element. */
type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; c: string }
  | { kind: 'class'; negate: boolean; ranges: Array<[string, string]> };

/** How a pattern is read. */
export interface GlobOptions {
  /** Compare case-insensitively (ssh_config `Host`, known_hosts). Default false. */
  caseInsensitive?: boolean;
  /** `[...]` is a character class (default true); ssh_config and known_hosts treat `[` literally. */
  brackets?: boolean;
}

/** OpenSSH's pattern rules (ssh_config `Host`, known_hosts): `*`, `?`, case-insensitive, `[` literal. */
export const SSH_PATTERN: GlobOptions = { caseInsensitive: true, brackets: false };

function fold(s: string, ci: boolean): string {
  return ci ? s.toLowerCase() : s;
}

/** Splits a pattern into tokens; consecutive stars collapse into one (same language). */
function tokenize(glob: string, opts: GlobOptions): Token[] {
  const ci = opts.caseInsensitive ?? false;
  const brackets = opts.brackets ?? true;
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '[' && brackets) {
      // The first character after `[` (or `[!`) may be `]`: `[]]` is a class of one `]`.
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out.push({ kind: 'char', c: '[' });
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      const ranges: Array<[string, string]> = [];
      for (let j = 0; j < body.length; j++) {
        const lo = body[j] as string;
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([lo, body[j + 2] as string]);
          j += 2;
        } else ranges.push([lo, lo]);
      }
      out.push({ kind: 'class', negate, ranges });
      i = end;
    } else out.push({ kind: 'char', c: fold(c, ci) });
  }
  return out;
}

function inClass(t: Extract<Token, { kind: 'class' }>, c: string, ci: boolean): boolean {
  const hit = (x: string) => t.ranges.some(([lo, hi]) => x >= lo && x <= hi);
  const found = hit(c) || (ci && (hit(c.toLowerCase()) || hit(c.toUpperCase())));
  return found !== t.negate;
}

function matchTokens(tokens: readonly Token[], text: string, ci: boolean): boolean {
  let p = 0;
  let t = 0;
  let starP = -1; // index of the last star seen
  let starT = 0; // text position that star currently stops at
  while (t < text.length) {
    const tok = tokens[p];
    const c = text[t] as string;
    if (tok !== undefined && tok.kind !== 'star') {
      const ok = tok.kind === 'any' || (tok.kind === 'char' ? tok.c === fold(c, ci) : inClass(tok, c, ci));
      if (ok) {
        p++;
        t++;
        continue;
      }
    } else if (tok !== undefined) {
      starP = p++;
      starT = t;
      continue;
    }
    // Mismatch: let the last star swallow one more character, or fail. Earlier stars never
    // need to move again, which is what keeps this linear in text per pattern position.
    if (starP < 0) return false;
    p = starP + 1;
    t = ++starT;
  }
  while (p < tokens.length && tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}

/**
 * Compiles a glob into a matcher. Never throws and never takes longer than pattern length ×
 * text length steps; check outside input with {@link checkGlob} first so that product stays small.
 */
export function globMatcher(glob: string, opts: GlobOptions = {}): (text: string) => boolean {
  const ci = opts.caseInsensitive ?? false;
  const tokens = tokenize(glob, opts);
  if (tokens.length === 1 && tokens[0]?.kind === 'star') return () => true;
  if (tokens.every((t) => t.kind === 'char')) {
    const lit = fold(glob, ci);
    return (text) => fold(text, ci) === lit;
  }
  return (text) => matchTokens(tokens, text, ci);
}

/** Whether `text` matches `glob` (one-off; compile with {@link globMatcher} for repeated use). */
export function globMatch(glob: string, text: string, opts: GlobOptions = {}): boolean {
  return globMatcher(glob, opts)(text);
}

/**
 * How many wildcards a glob holds, as {@link checkGlob} counts them: every `*` and `?`
 * character (a run of stars counts each one, though it means one star) and every `[...]`.
 */
export function globWildcards(glob: string, opts: GlobOptions = {}): number {
  let stars = 0;
  for (let i = 0; i < glob.length; i++) if (glob[i] === '*') stars++;
  return stars + tokenize(glob, opts).filter((t) => t.kind === 'any' || t.kind === 'class').length;
}

/**
 * Checks a glob from outside (API, CLI, config) against {@link LIMITS}: non-empty, at most
 * `globLength` characters and `globWildcards` wildcards. Returns the problem as a sentence
 * naming the limit, or undefined when the glob is fine. The length is checked first, so this
 * is cheap on any input.
 */
export function checkGlob(glob: string, opts: GlobOptions = {}): string | undefined {
  if (glob.length === 0) return 'must not be empty (give a host id or a glob such as web-*)';
  if (glob.length > LIMITS.globLength) {
    return `is ${glob.length} characters long; at most ${LIMITS.globLength} are allowed (limit globLength)`;
  }
  const n = globWildcards(glob, opts);
  if (n > LIMITS.globWildcards) {
    return `has ${n} wildcards (*, ?, [...]); at most ${LIMITS.globWildcards} are allowed (limit globWildcards)`;
  }
  return undefined;
}

/** Whether `text` matches any of `globs` (an empty list matches nothing). */
export function matchesAny(globs: readonly string[], text: string): boolean {
  return globs.some((g) => globMatcher(g)(text));
}
