import { z } from 'zod';
import { UsageError } from '../errors.js';
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

/**
 * A string that the code using it parses at start-up with `parse(text, key)`: that parser is
 * the check, so config files and flags are judged by one rule. Its {@link UsageError} becomes
 * the issue, without the `key: ` prefix (the report puts the key path, with the list index,
 * in front of it).
 */
export const parsedBy = (key: string, parse: (text: string, what: string) => unknown) =>
  z.string().superRefine((text, ctx) => {
    try {
      parse(text, key);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      const prefix = `${key}: `;
      const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      ctx.addIssue({ code: 'custom', message });
    }
  });
