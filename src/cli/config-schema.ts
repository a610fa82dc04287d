import { z } from 'zod';
import { agentConfigShape } from '../agent/config.js';
import { httpConfigShape } from '../http/config.js';
import { monitorConfigShape } from '../monitor/config.js';
import { notifyConfigShape } from '../notify/config.js';
import { sweepConfigShape } from '../sweep/config.js';
import { crossKeyProblems } from './config-cross-checks.js';

/**
 * The whole thump.yaml. Each product area owns its top-level keys (and their defaults)
 * in its own config.ts; this file only composes them, plus the checks that span sections
 * (config-cross-checks.ts). It lives in cli/, the one layer that may know every area; the
 * loader in src/config/ is given it. Strict: unknown keys are errors.
 */
export const configSchema = z
  .strictObject({
    ...monitorConfigShape,
    ...httpConfigShape,
    ...agentConfigShape,
    ...notifyConfigShape,
    ...sweepConfigShape,
  })
  .superRefine((cfg, ctx) => {
    for (const p of crossKeyProblems(cfg)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

export type ThumpConfig = z.output<typeof configSchema>;
