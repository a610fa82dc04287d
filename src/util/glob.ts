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

const CHAR = 0;
const ANY = 1;
const STAR = 2;
const CLASS = 3;

type ClassToken = Extract<Token, { kind: 'class' }>;

/** Tokens as flat arrays (kind, code unit or class index): the inner loop reads numbers only. */
interface Compiled {
  kinds: Uint8Array;
  codes: Uint16Array;
  classes: ClassToken[];
  ci: boolean;
  firstStar: number;
  lastStar: number;
  /** For a star followed by only literal characters up to the next star: those characters. */
  literalAfter: Array<string | undefined>;
}

function compile(tokens: readonly Token[], ci: boolean): Compiled {
  const kinds = new Uint8Array(tokens.length);
  const codes = new Uint16Array(tokens.length);
  const classes: ClassToken[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'char') codes[i] = t.c.charCodeAt(0);
    else if (t.kind === 'class') {
      kinds[i] = CLASS;
      codes[i] = classes.length;
      classes.push(t);
    } else kinds[i] = t.kind === 'star' ? STAR : ANY;
  });
  let lastStar = -1;
  for (let i = tokens.length - 1; i >= 0 && lastStar < 0; i--) if (tokens[i]?.kind === 'star') lastStar = i;
  const literalAfter: Array<string | undefined> = tokens.map((t, i) => {
    if (t.kind !== 'star' || i === lastStar) return undefined;
    let lit = '';
    for (let j = i + 1; tokens[j]?.kind !== 'star'; j++) {
      const u = tokens[j] as Token;
      if (u.kind !== 'char') return undefined;
      lit += u.c;
    }
    return lit;
  });
  const firstStar = tokens.findIndex((t) => t.kind === 'star');
  return { kinds, codes, classes, ci, firstStar, lastStar, literalAfter };
}

function inClass(t: ClassToken, code: number, ci: boolean): boolean {
  const c = String.fromCharCode(code);
  const hit = (x: string) => t.ranges.some(([lo, hi]) => x >= lo && x <= hi);
  const found = hit(c) || (ci && (hit(c.toLowerCase()) || hit(c.toUpperCase())));
  return found !== t.negate;
}

/** Whether non-star token `p` matches the code unit `code`. */
function one(c: Compiled, p: number, code: number): boolean {
  const k = c.kinds[p];
  if (k === CHAR) return c.codes[p] === code;
  if (k === ANY) return true;
  return inClass(c.classes[c.codes[p] as number] as ClassToken, code, c.ci);
}

/** Non-star tokens [from, to) against text from `at`, position by position. */
function fixed(c: Compiled, from: number, to: number, text: string, at: number): boolean {
  for (let p = from; p < to; p++) if (!one(c, p, text.charCodeAt(at + p - from))) return false;
  return true;
}

function matchCompiled(c: Compiled, text: string): boolean {
  const n = c.kinds.length;
  if (c.firstStar < 0) return text.length === n && fixed(c, 0, n, text, 0);
  // The parts before the first and after the last star sit at fixed places: check them first
  // (cheap, and it rejects the classic adversarial shapes such as *aaaa…b at once).
  const end = text.length - (n - c.lastStar - 1);
  if (end < c.firstStar) return false;
  if (!fixed(c, 0, c.firstStar, text, 0) || !fixed(c, c.lastStar + 1, n, text, end)) return false;
  // Between them, tokens [firstStar, lastStar] start and end with a star. Backtrack to the
  // last star only: earlier stars never need to move again (the leftmost match of each part
  // between stars is as good as any), so this costs at most pattern × text length steps.
  let p = c.firstStar;
  let t = c.firstStar;
  let starP = p;
  let starT = t;
  while (p <= c.lastStar) {
    const lit = c.literalAfter[p];
    if (lit !== undefined) {
      // `*literal*`: the leftmost place of the literal, found natively.
      const at = text.indexOf(lit, t);
      if (at < 0 || at + lit.length > end) return false;
      p += lit.length + 1;
      t = at + lit.length;
      starP = p;
      starT = t;
    } else if (c.kinds[p] === STAR) {
      starP = p++;
      starT = t;
    } else if (t < end && one(c, p, text.charCodeAt(t))) {
      p++;
      t++;
    } else {
      if (starT >= end) return false;
      p = starP + 1;
      t = ++starT;
    }
  }
  return true;
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
  const compiled = compile(tokens, ci);
  return ci ? (text) => matchCompiled(compiled, text.toLowerCase()) : (text) => matchCompiled(compiled, text);
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
