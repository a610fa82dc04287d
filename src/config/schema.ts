import { z } from 'zod';
import { agentConfigShape } from '../agent/config.js';
import { httpConfigShape } from '../http/config.js';
import { monitorConfigShape } from '../monitor/config.js';
import { notifyConfigShape } from '../notify/config.js';
import { sweepConfigShape } from '../sweep/config.js';

/**
 * The whole thump.yaml. Each product area owns its top-level keys (and their defaults)
 * in its own config.ts; this file only composes them. Strict: unknown keys are errors.
 */
export const configSchema = z.strictObject({
  ...monitorConfigShape,
  ...httpConfigShape,
  ...agentConfigShape,
  ...notifyConfigShape,
  ...sweepConfigShape,
});

export type ThumpConfig = z.output<typeof configSchema>;
