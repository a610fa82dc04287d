import { z } from 'zod';
import { checkGlob } from '../util/glob.js';
import { LIMITS } from '../util/limits.js';
import { parseCron } from './cron.js';

/**
 * zod field schemas for the notify inputs that come from outside (API bodies, CLI flags,
 * thump.yaml): each bound comes from {@link LIMITS}, so the API, the CLI, the config and the
 * OpenAPI document (maxLength/maximum) share one rule per field.
 */

/** A glob on host ids (or label values) within the glob limits (length, wildcards). */
export const globSchema = z
  .string()
  .max(LIMITS.globLength, `at most ${LIMITS.globLength} characters (limit globLength)`)
  .superRefine((glob, ctx) => {
    const problem = checkGlob(glob);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `glob ${problem}` });
  });

/** One glob or a list of them (at most `globsPerList`), always read as a list. */
export const globListSchema = z
  .union([globSchema, z.array(globSchema).min(1).max(LIMITS.globsPerList)])
  .transform((v) => (typeof v === 'string' ? [v] : v));

/** A host id written by people (a dependency's parent, `?host=`). */
export const hostIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.hostIdLength, `at most ${LIMITS.hostIdLength} characters (limit hostIdLength)`);

/** A silence comment. */
export const commentSchema = z
  .string()
  .max(LIMITS.commentLength, `at most ${LIMITS.commentLength} characters (limit commentLength)`);

/** Who made a silence (`cli:alice`, `api`, `thump.yaml`). */
export const createdBySchema = z
  .string()
  .max(LIMITS.createdByLength, `at most ${LIMITS.createdByLength} characters (limit createdByLength)`);

/** A 5-field cron expression, checked by the parser that later runs it. */
export const cronSchema = z
  .string()
  .max(LIMITS.cronLength, `at most ${LIMITS.cronLength} characters (limit cronLength)`)
  .superRefine((s, ctx) => {
    try {
      parseCron(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** A label key in a route (`labels:`). */
export const labelKeySchema = z
  .string()
  .min(1)
  .max(LIMITS.labelKeyLength, `at most ${LIMITS.labelKeyLength} characters (limit labelKeyLength)`);

/** Label key -> value glob (routes), at most `labelsPerFilter` entries. */
export const labelGlobsSchema = z
  .record(labelKeySchema, globSchema)
  .refine((r) => Object.keys(r).length <= LIMITS.labelsPerFilter, {
    message: `at most ${LIMITS.labelsPerFilter} labels (limit labelsPerFilter)`,
  });

/** A time as ms since the epoch, from 1970 to the end of year 9999 (every Date can show it). */
export const timeMsSchema = z
  .number()
  .min(0, 'must not be before 1970')
  .max(LIMITS.maxTimeMs, 'must be before the year 10000 (limit maxTimeMs)');

/** How long a silence (or each cron window of one) lasts: positive, at most 10 years. */
export const silenceSpanMsSchema = z
  .number()
  .positive('must be a positive duration')
  .max(LIMITS.silenceMaxMs, 'must be at most 10 years (limit silenceMaxMs)');

/** The first issue of a failed zod parse as `path: message` (or just the message). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
