/**
 * Coercion of text from env variables and flags to the type each key wants: `8080` is a
 * number for a port and text for a host id, `30s` stays a duration text, `[a, b]` a list.
 */
import { parse as parseYamlValue } from 'yaml';
import type { z } from 'zod';
import { isPlainObject, type Path, setOwn } from './layers.js';
import { schemasAt } from './schema-walk.js';

/** The value at `path` in plain data, or undefined. */
export function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function setAt(data: unknown, path: Path, value: unknown): void {
  let v = data;
  for (const seg of path.slice(0, -1)) {
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  const last = path[path.length - 1];
  if (Array.isArray(v) && typeof last === 'number') v[last] = value;
  else if (isPlainObject(v) && last !== undefined) setOwn(v, String(last), value);
}

function yamlScalar(raw: string): unknown {
  try {
    const v: unknown = parseYamlValue(raw, { logLevel: 'silent' });
    const flow = /^\s*[[{]/.test(raw);
    if (v === null || v === undefined) return raw;
    if (typeof v === 'object' && !flow) return raw;
    return v;
  } catch {
    return raw;
  }
}

/**
 * Sets the value at `path` to `raw` read as YAML or kept as text, whichever the key's schema
 * accepts (`order` says which to try first; the first is kept when neither fits, so the
 * error message shows it).
 */
export function coerceLeaf(
  schema: z.ZodType,
  data: unknown,
  path: Path,
  raw: string,
  order: 'yaml-first' | 'text-first',
): unknown {
  const parsed = yamlScalar(raw);
  const candidates = order === 'yaml-first' ? [parsed, raw] : [raw, parsed];
  const schemas = schemasAt(schema, path, data);
  const fits = (v: unknown) =>
    schemas.some((s) => {
      try {
        return (s as z.ZodType).safeParse(v).success;
      } catch {
        return false;
      }
    });
  const chosen = candidates.find(fits) ?? candidates[0];
  setAt(data, path, chosen);
  return data;
}
