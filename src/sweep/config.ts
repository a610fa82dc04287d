import type { z } from 'zod';

/**
 * The top-level thump.yaml keys owned by src/sweep/ (snake_case, strict objects,
 * defaults declared here and nowhere else). Spread into the whole schema by
 * src/config/schema.ts, so this area decides its own key names and nesting.
 */
export const sweepConfigShape = {
  // e.g. sweep: z.strictObject({...}).prefault({})
} satisfies z.ZodRawShape;
