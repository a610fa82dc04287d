import { z } from 'zod';
import { tryParseDuration } from '../util/duration.js';

const durationSchemas = new WeakSet<object>();

/**
 * A duration written as `10s`, `5m`, `250ms`, `1h30m` (or a bare number of seconds);
 * parses to milliseconds. Shared by every config section. For a default, give the
 * written form to `.prefault('10s')` (or milliseconds to `.default(10_000)`).
 */
export const duration = () => {
  const schema = z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? Math.round(v * 1000) : tryParseDuration(v);
    if (ms === undefined || ms < 0 || !Number.isFinite(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 500ms, 10s, 5m or 1h, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
  durationSchemas.add(schema);
  return schema;
};

/** True for schemas made by {@link duration} (so printed configs show `10s`, not `10000`). */
export function isDurationSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && durationSchemas.has(schema);
}
