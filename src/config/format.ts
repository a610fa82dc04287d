import { stringify } from 'yaml';
import type { z } from 'zod';
import { isPlainObject } from './layers.js';
import { redactConfig } from './redact.js';
import { schemasAt } from './schema-walk.js';
import { isDurationSchema } from './zod.js';

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Milliseconds as the exact duration text a config file would use: `90000` -> `1m30s`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) return String(ms);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

function isDurationAt(schema: z.core.$ZodType, path: PropertyKey[], root: unknown): boolean {
  return schemasAt(schema, path, root).some((s) => {
    // Walk the wrappers (optional, default, ...) looking for the duration() marker.
    let cur: unknown = s;
    for (let i = 0; i < 16 && cur; i++) {
      if (isDurationSchema(cur)) return true;
      const def = (cur as { _zod: { def: { innerType?: unknown } } })._zod.def;
      cur = def.innerType;
    }
    return false;
  });
}

function humanise(schema: z.core.$ZodType, value: unknown, path: PropertyKey[], root: unknown): unknown {
  if (Array.isArray(value)) return value.map((v, i) => humanise(schema, v, [...path, i], root));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = humanise(schema, v, [...path, k], root);
    return out;
  }
  if (typeof value === 'number' && isDurationAt(schema, path, root)) return durationText(value);
  return value;
}

/**
 * The effective config as YAML for people (`--print-config`, `check-config`): durations
 * written back as `10s`, secrets replaced by `<redacted>`, URLs shortened to their origin.
 * The output is itself a valid thump.yaml (apart from redacted values).
 */
export function formatConfig(cfg: unknown, schema: z.core.$ZodType): string {
  const readable = humanise(schema, cfg, [], cfg);
  return stringify(redactConfig(readable), { lineWidth: 0 });
}
