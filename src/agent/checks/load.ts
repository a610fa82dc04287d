import { availableParallelism, loadavg } from 'node:os';
import { z } from 'zod';
import {
  type CheckKind,
  checkName,
  commonCheckFields,
  severityFor,
  warnBelowCrit,
  warnBelowCritMessage,
} from './types.js';

const schema = z
  .strictObject({
    type: z.literal('load'),
    ...commonCheckFields,
    /** Which load average to judge: 1, 5 or 15 minutes. */
    period: z.union([z.literal(1), z.literal(5), z.literal(15)]).default(5),
    /** Thresholds per CPU core (check_load -r style): 2 means "twice as many runnable tasks as cores". */
    warn: z.number().positive().default(2),
    crit: z.number().positive().default(4),
  })
  .refine(warnBelowCrit, warnBelowCritMessage);
export type LoadCheckConfig = z.output<typeof schema>;

/** Judges a load average per core. Pure: the runner feeds it os.loadavg(). */
export function loadResult(
  c: LoadCheckConfig,
  load: readonly number[],
  cores: number,
): { severity: 0 | 1 | 2; text: string } {
  const idx = c.period === 1 ? 0 : c.period === 5 ? 1 : 2;
  const value = load[idx] ?? 0;
  const perCore = value / Math.max(1, cores);
  return {
    severity: severityFor(perCore, c.warn, c.crit),
    text: `load${c.period} ${value.toFixed(2)} on ${cores} cores (${perCore.toFixed(2)} per core)`,
  };
}

/** Load average per core against thresholds. */
export const loadCheck: CheckKind<LoadCheckConfig> = {
  type: 'load',
  schema,
  create(c) {
    const id = checkName(c);
    return async () => [{ id, ...loadResult(c, loadavg(), availableParallelism()) }];
  },
};
