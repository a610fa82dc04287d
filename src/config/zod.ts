import { z } from 'zod';
import { tryParseDuration } from '../util/duration.js';

/**
 * A duration written as `10s`, `5m`, `250ms`, `1h30m` (or a bare number of seconds);
 * parses to milliseconds. Shared by every config section.
 */
export const duration = () =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? Math.round(v * 1000) : tryParseDuration(v);
    if (ms === undefined || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 500ms, 10s, 5m or 1h, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
