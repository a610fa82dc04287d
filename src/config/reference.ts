/**
 * The key reference in docs/configuration.md, generated from the zod schema so it cannot
 * drift from what the loader accepts: every key with its type, default and an example.
 * Descriptions come from the schema (`.describe()`) or from the TSDoc comments the areas
 * wrote above each key (collected by src/cli/write-config-reference.ts, which runs at development time).
 */
import { stringify } from 'yaml';
import type { z } from 'zod';
import { durationText } from './format.js';
import { isDurationSchema } from './zod.js';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  [k: string]: unknown;
}

/** One documented key. `path` uses `[]` for list items: `notifiers[].url`. */
export interface ReferenceRow {
  path: string;
  /** Set for keys of one variant of a discriminated list item, e.g. `type: webhook`. */
  variant?: string;
  type: string;
  required: boolean;
  default?: unknown;
  example: string;
  description?: string;
  /** True when the value is a duration (defaults are then shown as `10s`). */
  duration: boolean;
}

const def = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

interface Unwrapped {
  core: AnySchema;
  optional: boolean;
  hasDefault: boolean;
  default?: unknown;
  duration: boolean;
  description?: string;
}

function describeOf(s: AnySchema): string | undefined {
  return (s as { description?: string }).description;
}

function unwrapAll(s: AnySchema): Unwrapped {
  const out: Unwrapped = { core: s, optional: false, hasDefault: false, duration: false };
  for (let i = 0; i < 32; i++) {
    out.description ??= describeOf(s);
    if (isDurationSchema(s)) {
      out.duration = true;
      out.core = s;
      return out;
    }
    const d = def(s);
    if (d.type === 'optional' || d.type === 'nullable') {
      out.optional = true;
      s = d.innerType as AnySchema;
    } else if (d.type === 'default' || d.type === 'prefault') {
      if (!out.hasDefault) {
        out.hasDefault = true;
        out.default = d.defaultValue;
      }
      s = d.innerType as AnySchema;
    } else if (['catch', 'readonly', 'nonoptional', 'success'].includes(d.type)) {
      s = d.innerType as AnySchema;
    } else if (d.type === 'pipe') {
      s = (def(d.in as AnySchema).type === 'transform' ? d.out : d.in) as AnySchema;
    } else if (d.type === 'lazy') {
      s = (d.getter as () => AnySchema)();
    } else {
      break;
    }
  }
  out.core = s;
  return out;
}

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
}

function checksOf(s: AnySchema): CheckDef[] {
  const checks = (def(s).checks ?? []) as { _zod: { def: CheckDef } }[];
  return checks.map((c) => c._zod.def);
}

function rangeText(s: AnySchema, unit = ''): string {
  const parts: string[] = [];
  for (const c of checksOf(s)) {
    if (c.check === 'greater_than') parts.push(`${c.inclusive ? '≥' : '>'} ${String(c.value)}`);
    if (c.check === 'less_than') parts.push(`${c.inclusive ? '≤' : '<'} ${String(c.value)}`);
    if (c.check === 'min_length' && c.minimum === 1) parts.push('non-empty');
    else if (c.check === 'min_length' && (c.minimum ?? 0) > 1) parts.push(`at least ${c.minimum}${unit}`);
    if (c.check === 'max_length') parts.push(`at most ${c.maximum}${unit}`);
  }
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** A short human type name: `duration`, `integer (≥ 1)`, `list of string`, `"get" or "post"`. */
export function typeText(s: AnySchema): string {
  const u = unwrapAll(s);
  if (u.duration) return 'duration';
  const core = u.core;
  const d = def(core);
  switch (d.type) {
    case 'string': {
      const fmt =
        (d.format as string | undefined) ?? checksOf(core).find((c) => c.check === 'string_format')?.format;
      if (fmt === 'url') return 'URL';
      if (fmt === 'regex') {
        const p = checksOf(core).find((c) => c.format === 'regex')?.pattern;
        return `string matching \`${String(p)}\``;
      }
      const affix = checksOf(core).find((c) =>
        ['starts_with', 'ends_with', 'includes'].includes(c.format ?? ''),
      );
      if (affix) {
        const a = affix as CheckDef & { prefix?: string; suffix?: string; includes?: string };
        if (a.format === 'starts_with') return `string starting with \`${a.prefix}\``;
        if (a.format === 'ends_with') return `string ending with \`${a.suffix}\``;
        return `string containing \`${a.includes}\``;
      }
      if (fmt && fmt !== 'regex') return `string (${fmt})`;
      return `string${rangeText(core, ' characters')}`;
    }
    case 'number': {
      const int = checksOf(core).some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
      return `${int ? 'integer' : 'number'}${rangeText(core)}`;
    }
    case 'boolean':
      return 'boolean';
    case 'enum':
      return Object.values(d.entries as Record<string, unknown>)
        .map((v) => `\`${String(v)}\``)
        .join(', ');
    case 'literal':
      return (d.values as unknown[]).map((v) => `\`${String(v)}\``).join(', ');
    case 'array': {
      const el = unwrapAll(d.element as AnySchema);
      const t = def(el.core).type;
      const item = t === 'object' || t === 'union' ? 'items (keys below)' : typeText(d.element as AnySchema);
      const min = checksOf(core).find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = checksOf(core).find((c) => c.check === 'max_length')?.maximum;
      const count = min > 1 ? ` (at least ${min})` : max !== undefined ? ` (at most ${max})` : '';
      return `${min === 1 ? 'non-empty list' : 'list'} of ${item}${count}`;
    }
    case 'record':
      return `map of string to ${typeText(d.valueType as AnySchema)}`;
    case 'object':
      return 'mapping';
    case 'union':
      return [...new Set((d.options as AnySchema[]).map(typeText))].join(' or ');
    case 'unknown':
    case 'any':
      return 'any';
    default:
      return d.type;
  }
}

const STRING_EXAMPLES: [RegExp, string][] = [
  [/(^|_)url$/, 'https://example.org/hook'],
  [/^(hosts?|pattern)$/, 'web-*'],
  [/^parent$/, 'core-switch-1'],
  [/^(email|from)$/, 'ops@example.org'],
  [/_at$/, '2026-01-31T02:00:00Z'],
  [/^cron$/, '0 2 * * *'],
  [/^name$/, 'ops'],
  [/^redis$/, 'redis://127.0.0.1:6379'],
  [/(secret|token|password)$/, 's3cr3t'],
  [/^(listen|address|addr)$/, '127.0.0.1:8080'],
];

/** A plausible value for a string key, from its name (the type says the rest). */
function stringExample(key: string, type: string): string {
  if (type === 'URL') return 'https://example.org/hook';
  if (/^db_(file|path)$/.test(key)) return '/var/lib/thump/thump.db';
  const file = /^(.+)_(files?|paths?|dirs?)$/.exec(key);
  if (file) return `/etc/thump/${file[1]}`;
  const env = /^(.+)_env$/.exec(key);
  if (env) return `THUMP_${(env[1] as string).toUpperCase()}`;
  for (const [re, ex] of STRING_EXAMPLES) if (re.test(key)) return ex;
  return 'text';
}

function exampleFor(s: AnySchema, key: string): unknown {
  const u = unwrapAll(s);
  if (u.hasDefault && u.default !== undefined) {
    if (u.duration && typeof u.default === 'number') return durationText(u.default);
    if (!(Array.isArray(u.default) && u.default.length === 0)) return u.default;
  }
  if (u.duration) return '30s';
  const d = def(u.core);
  switch (d.type) {
    case 'string': {
      return stringExample(key, typeText(u.core));
    }
    case 'number': {
      const min = checksOf(u.core).find((c) => c.check === 'greater_than');
      return typeof min?.value === 'number' ? Math.max(min.value + (min.inclusive ? 0 : 1), 1) : 1;
    }
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(d.entries as Record<string, unknown>)[0];
    case 'literal':
      return (d.values as unknown[])[0];
    case 'array':
      return [exampleFor(d.element as AnySchema, key)];
    case 'record':
      return { name: exampleFor(d.valueType as AnySchema, key) };
    case 'union':
      return exampleFor((d.options as AnySchema[])[0] as AnySchema, key);
    default:
      return undefined;
  }
}

function inlineYaml(key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && Object.keys(value).length === 0) return '';
  const text = stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return text.length > 80 ? '' : `${key}: ${text}`;
}

function isListOfMappings(s: AnySchema): boolean {
  const d = def(s);
  if (d.type !== 'array') return false;
  const t = def(unwrapAll(d.element as AnySchema).core).type;
  return t === 'object' || t === 'union';
}

/** Every key of `schema` as reference rows, depth first, in declaration order. */
export function referenceRows(schema: AnySchema): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const visit = (s: AnySchema, path: string, key: string, variant: string | undefined) => {
    const u = unwrapAll(s);
    const d = def(u.core);
    if (path !== '') {
      const row: ReferenceRow = {
        path,
        type: typeText(s),
        required: !u.optional && !u.hasDefault,
        example: d.type === 'object' || isListOfMappings(u.core) ? '' : inlineYaml(key, exampleFor(s, key)),
        duration: u.duration,
      };
      if (variant !== undefined) row.variant = variant;
      if (u.hasDefault) row.default = u.default;
      if (u.description !== undefined) row.description = u.description;
      rows.push(row);
    }
    if (u.duration) return;
    const child = (sub: AnySchema, suffix: string, k: string, v = variant) =>
      visit(sub, `${path}${suffix}`, k, v);
    if (d.type === 'object') {
      for (const [k, sub] of Object.entries(d.shape as Record<string, AnySchema>)) {
        child(sub, path === '' ? k : `.${k}`, k);
      }
    } else if (d.type === 'array') {
      const el = unwrapAll(d.element as AnySchema);
      const t = def(el.core).type;
      if (t === 'object' || t === 'union') visitItems(el.core, `${path}[]`);
    } else if (d.type === 'record') {
      const val = unwrapAll(d.valueType as AnySchema);
      if (def(val.core).type === 'object') child(val.core, '.<name>', '<name>');
    }
  };
  const visitItems = (s: AnySchema, path: string) => {
    const d = def(s);
    if (d.type === 'union' && typeof d.discriminator === 'string') {
      for (const opt of d.options as AnySchema[]) {
        const shape = def(unwrapAll(opt).core).shape as Record<string, AnySchema> | undefined;
        const disc = shape?.[d.discriminator];
        const value = disc ? exampleFor(disc, d.discriminator) : undefined;
        for (const [k, sub] of Object.entries(shape ?? {})) {
          visit(sub, `${path}.${k}`, k, `${d.discriminator}: ${String(value)}`);
        }
      }
    } else if (d.type === 'object') {
      for (const [k, sub] of Object.entries(d.shape as Record<string, AnySchema>))
        visit(sub, `${path}.${k}`, k, undefined);
    }
  };
  visit(schema, '', '', undefined);
  return rows;
}

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function defaultText(row: ReferenceRow): string {
  if (!('default' in row)) return row.required ? '**required**' : '—';
  const v = row.default;
  if (row.duration && typeof v === 'number') return `\`${durationText(v)}\``;
  if (row.duration && typeof v === 'string') return `\`${v}\``;
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
    return Array.isArray(v) ? '`[]`' : '—';
  return `\`${cell(JSON.stringify(v))}\``;
}

/**
 * The reference as Markdown: one table per top-level key, variants of list items
 * (notifier types) in their own tables. `describe` supplies descriptions by path.
 */
export function renderReference(
  schema: AnySchema,
  describe: (row: ReferenceRow) => string | undefined = () => undefined,
): string {
  const rows = referenceRows(schema);
  const groups = new Map<string, ReferenceRow[]>();
  for (const r of rows) {
    const top = r.path.split(/[.[]/)[0] as string;
    const g = `${top}${r.variant ? `\u0000${r.variant}` : ''}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const out: string[] = [];
  for (const [g, list] of groups) {
    const [top, variant] = g.split('\u0000');
    out.push(`### \`${top}\`${variant ? ` — \`${variant}\`` : ''}`, '');
    out.push('| Key | Type | Default | Example | Description |', '|---|---|---|---|---|');
    for (const r of list) {
      const desc = r.description ?? describe(r) ?? '';
      out.push(
        `| \`${r.path}\` | ${cell(r.type)} | ${defaultText(r)} | ${r.example ? `\`${cell(r.example)}\`` : ''} | ${cell(desc)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
