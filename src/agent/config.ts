import type { z } from 'zod';

/**
 * The top-level thump.yaml keys owned by src/agent/ (snake_case, strict objects,
 * defaults declared here and nowhere else). Spread into the whole schema by
 * src/config/schema.ts, so this area decides its own key names and nesting.
 */
export const agentConfigShape = {
  // e.g. agent: { to, interval, id, labels }, checks: [...] (top-level, per issue 3)
} satisfies z.ZodRawShape;
