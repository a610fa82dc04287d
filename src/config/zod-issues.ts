import type { z } from 'zod';
import { type ConfigIssue, type ConfigOrigin, formatPath } from './issue.js';
import { isSecretKey } from './redact.js';
import { keysAt, suggestKey } from './schema-walk.js';

type Path = readonly PropertyKey[];

/** Context for turning zod's issues into messages a sysadmin can act on. */
export interface IssueContext {
  schema: z.core.$ZodType;
  /** The merged raw input that was validated (to show what was given). */
  input: unknown;
  /** Where the value at a path came from. */
  originOf(path: Path): ConfigOrigin;
}

const MAX_SHOWN = 60;

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Describes a given value briefly, never showing secrets or URLs (which may embed tokens). */
export function describeValue(value: unknown, path: Path): string {
  const key = [...path].reverse().find((s) => typeof s === 'string') as string | undefined;
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (key !== undefined && (isSecretKey(key) || /url/i.test(key))) return `a ${typeof value} (value hidden)`;
  const s = JSON.stringify(value) ?? String(value);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
  undefined: 'nothing',
  bigint: 'an integer',
};

const FORMAT: Record<string, string> = {
  url: 'a URL such as http://host:port/path',
  email: 'an email address',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  hostname: 'a hostname',
  regex: 'a matching string',
};

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]?.toLowerCase() + s.slice(1) : s;
}

/** Converts zod issues (possibly nested in unions) into one {@link ConfigIssue} per problem. */
export function toConfigIssues(zodIssues: readonly z.core.$ZodIssue[], ctx: IssueContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const seen = new Set<string>();
  const push = (path: Path, message: string) => {
    const line = `${formatPath(path)}\u0000${message}`;
    if (seen.has(line)) return;
    seen.add(line);
    out.push({ path: formatPath(path), message, origin: ctx.originOf(path) });
  };
  const visit = (issues: readonly z.core.$ZodIssue[], base: Path) => {
    for (const issue of issues) {
      const path = [...base, ...issue.path];
      const given = valueAt(ctx.input, path);
      if (isCustomMessage(issue) && issue.code !== 'unrecognized_keys' && issue.code !== 'invalid_union') {
        // The area wrote its own message (e.g. "expected an http(s) URL"): keep it.
        const msg = lowerFirst(issue.message);
        const shown = given === undefined || /\bgot\b/.test(msg) ? '' : `, got ${describeValue(given, path)}`;
        push(path, `${msg}${shown}`);
        continue;
      }
      switch (issue.code) {
        case 'unrecognized_keys': {
          const known = keysAt(ctx.schema, path, ctx.input);
          for (const key of issue.keys) {
            const hint = suggestKey(key, known);
            const list = known.length > 0 && known.length <= 12 ? ` (known keys: ${known.join(', ')})` : '';
            push([...path, key], hint ? `unknown key; did you mean "${hint}"?` : `unknown key${list}`);
          }
          break;
        }
        case 'invalid_type': {
          const expected = ARTICLE[issue.expected] ?? issue.expected;
          if (given === undefined) push(path, `is required (expected ${expected})`);
          else push(path, `expected ${expected}, got ${describeValue(given, path)}`);
          break;
        }
        case 'invalid_union': {
          const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
          if (u.errors.length === 0) {
            const opts = (u.options ?? []).map((o) => JSON.stringify(o)).join(', ');
            const what = u.discriminator ?? 'value';
            if (given === undefined) push(path, `is required (expected one of ${opts})`);
            else push(path, `unknown ${what} ${describeValue(given, path)}; expected one of ${opts}`);
            break;
          }
          // Report the branch that got furthest (deepest path, then fewest problems): that is
          // almost always the one the user meant.
          const best = [...u.errors].sort(
            (a, b) => depth(b) - depth(a) || a.length - b.length,
          )[0] as z.core.$ZodIssue[];
          if (depth(best) === 0 && u.errors.every((e) => e.every((i) => i.code === 'invalid_type'))) {
            const expected = [
              ...new Set(
                u.errors.flatMap((e) =>
                  e.map((i) => ARTICLE[(i as z.core.$ZodIssueInvalidType).expected] ?? 'a value'),
                ),
              ),
            ];
            push(path, `expected ${expected.join(' or ')}, got ${describeValue(given, path)}`);
          } else {
            visit(best, path);
          }
          break;
        }
        case 'invalid_value': {
          const opts = issue.values.map((v) => JSON.stringify(v)).join(', ');
          const what = issue.values.length === 1 ? opts : `one of ${opts}`;
          push(path, `expected ${what}, got ${describeValue(given, path)}`);
          break;
        }
        case 'invalid_format': {
          const f =
            issue.format === 'regex' && issue.pattern
              ? `a string matching ${issue.pattern}`
              : FORMAT[issue.format];
          push(path, `expected ${f ?? `a ${issue.format}`}, got ${describeValue(given, path)}`);
          break;
        }
        case 'too_small':
        case 'too_big': {
          const rel =
            issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
          const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
          const what =
            issue.origin === 'array' || issue.origin === 'set'
              ? `a list with ${rel} ${bound} items`
              : issue.origin === 'string'
                ? `a string of ${rel} ${bound} characters`
                : `a number ${rel} ${bound}`;
          push(path, `expected ${what}, got ${describeValue(given, path)}`);
          break;
        }
        case 'invalid_element':
          visit(issue.issues, path);
          break;
        case 'invalid_key': {
          // The key itself is wrong (e.g. a label name): show the key, not its value.
          const key = path[path.length - 1];
          for (const inner of issue.issues) {
            const msg = isCustomMessage(inner) ? lowerFirst(inner.message) : 'invalid key';
            push(path, `${msg}, got key ${JSON.stringify(String(key))}`);
          }
          break;
        }
        default:
          push(path, lowerFirst(issue.message));
      }
    }
  };
  visit(zodIssues, []);
  return out;
}

const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected|Number must|String must)/;

/** zod's own messages are generic; anything else was written by the schema's author. */
function isCustomMessage(issue: z.core.$ZodIssue): boolean {
  return issue.code !== 'custom' && !ZOD_DEFAULT.test(issue.message);
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}
