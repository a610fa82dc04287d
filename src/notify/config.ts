import type { z } from 'zod';

/**
 * The top-level thump.yaml keys owned by src/notify/ (snake_case, strict objects,
 * defaults declared here and nowhere else). Spread into the whole schema by
 * src/config/schema.ts, so this area decides its own key names and nesting.
 */
export const notifyConfigShape = {
  // Top-level keys from issue 3's minimal shape: notifiers, routes, grouping, silences, ...
} satisfies z.ZodRawShape;
