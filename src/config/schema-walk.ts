/**
 * Read-only walks over a zod 4 schema by key path. The loader uses them to suggest
 * near-miss keys, to coerce env/flag strings to the type a key expects, and to list
 * every key for the reference docs. Only the public `_zod.def` fields are read.
 */
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  [k: string]: unknown;
}

function defOf(s: AnySchema): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips wrappers (optional, default, pipe, lazy, ...) down to the schema that decides the shape. */
export function unwrap(s: AnySchema): AnySchema {
  for (let i = 0; i < 32; i++) {
    const def = defOf(s);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
      case 'success':
        s = def.innerType as AnySchema;
        break;
      case 'pipe':
        // The input side is what a user writes; transforms sit on the output side.
        s = (defOf(def.in as AnySchema).type === 'transform' ? def.out : def.in) as AnySchema;
        break;
      case 'lazy':
        s = (def.getter as () => AnySchema)();
        break;
      default:
        return s;
    }
  }
  return s;
}

/** The schema type name after unwrapping (`object`, `array`, `string`, `union`, ...). */
export function kindOf(s: AnySchema): string {
  return defOf(unwrap(s)).type;
}

/** Direct alternatives of a union (flattening nested unions), or the schema itself. */
export function alternatives(s: AnySchema): AnySchema[] {
  const u = unwrap(s);
  const def = defOf(u);
  if (def.type === 'union') return (def.options as AnySchema[]).flatMap(alternatives);
  if (def.type === 'intersection')
    return [...alternatives(def.left as AnySchema), ...alternatives(def.right as AnySchema)];
  return [u];
}

/** The object shape of a schema (undefined if it is not an object). */
export function shapeOf(s: AnySchema): Record<string, AnySchema> | undefined {
  const u = unwrap(s);
  const def = defOf(u);
  return def.type === 'object' ? (def.shape as Record<string, AnySchema>) : undefined;
}

function literalValues(s: AnySchema): unknown[] | undefined {
  const def = defOf(unwrap(s));
  if (def.type === 'literal') return def.values as unknown[];
  if (def.type === 'enum') return Object.values(def.entries as Record<string, unknown>);
  return undefined;
}

/**
 * Among union alternatives that are objects, keeps those whose literal keys (e.g. `type:
 * webhook`) match `data`; falls back to every object alternative when none matches.
 */
function pickObjects(candidates: AnySchema[], data: unknown): AnySchema[] {
  const objects = candidates.filter((c) => shapeOf(c) !== undefined);
  if (objects.length <= 1 || typeof data !== 'object' || data === null) return objects;
  const matching = objects.filter((o) =>
    Object.entries(shapeOf(o) ?? {}).every(([k, v]) => {
      const lits = literalValues(v);
      return lits === undefined || lits.includes((data as Record<string, unknown>)[k]);
    }),
  );
  return matching.length > 0 ? matching : objects;
}

/**
 * Every schema that could apply at `path` (several when unions are involved). `data` is
 * the raw input, used to pick the matching union branch (e.g. by a notifier's `type`).
 */
export function schemasAt(root: AnySchema, path: readonly PropertyKey[], data?: unknown): AnySchema[] {
  let current: AnySchema[] = [root];
  let value: unknown = data;
  for (const seg of path) {
    const next: AnySchema[] = [];
    const alts = current.flatMap(alternatives);
    for (const s of pickObjects(alts, value)) {
      const child = shapeOf(s)?.[String(seg)];
      if (child) next.push(child);
    }
    for (const s of alts) {
      const def = defOf(s);
      if (def.type === 'array' && typeof seg === 'number') next.push(def.element as AnySchema);
      else if (def.type === 'record') next.push(def.valueType as AnySchema);
      else if (def.type === 'tuple' && typeof seg === 'number') {
        const items = def.items as AnySchema[];
        const item = items[seg] ?? (def.rest as AnySchema | null | undefined);
        if (item) next.push(item);
      }
    }
    current = next;
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
    if (current.length === 0) break;
  }
  return current;
}

/** Keys an object at `path` accepts (union of matching branches); empty if it is not an object. */
export function keysAt(root: AnySchema, path: readonly PropertyKey[], data?: unknown): string[] {
  const keys = new Set<string>();
  let value: unknown = data;
  for (const seg of path) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  for (const s of pickObjects(schemasAt(root, path, data).flatMap(alternatives), value)) {
    for (const k of Object.keys(shapeOf(s) ?? {})) keys.add(k);
  }
  return [...keys];
}

/** Damerau-free Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** The closest known key to `key`, if it is close enough to be a plausible typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replaceAll('-', '_');
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = k === lower ? 0 : editDistance(lower, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
