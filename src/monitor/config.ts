import type { z } from 'zod';

/**
 * The top-level thump.yaml keys owned by src/monitor/ (snake_case, strict objects,
 * defaults declared here and nowhere else). Spread into the whole schema by
 * src/config/schema.ts, so this area decides its own key names and nesting.
 */
export const monitorConfigShape = {
  // e.g. monitor: z.strictObject({...}).prefault({})
} satisfies z.ZodRawShape;
