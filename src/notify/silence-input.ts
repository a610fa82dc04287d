import { z } from 'zod';
import { UsageError } from '../errors.js';
import { tryParseDuration } from '../util/duration.js';
import { ISO_TIME_EXAMPLE, tryParseIsoTime } from '../util/iso-time.js';
import { LIMITS } from '../util/limits.js';
import {
  commentSchema,
  createdBySchema,
  cronSchema,
  firstIssue,
  globSchema,
  silenceSpanMsSchema,
  timeMsSchema,
} from './input-schemas.js';
import type { NewSilence, Silence } from './types.js';

/**
 * The one silence input shape. Every way to make a silence (the API body, `thump silence add`
 * which sends that body and checks it first, the `silences:` config key) becomes a
 * {@link SilenceInput} and passes {@link silenceInputSchema} before anything is stored.
 */

/** What a caller (CLI, API, config) asks for; times in ms since the epoch. */
export interface SilenceInput {
  hostGlob: string;
  /** Default: now. */
  startsAt?: number;
  /** `null`/absent: until removed (one-off), or forever repeating (cron). */
  endsAt?: number | null;
  cron?: string;
  durationMs?: number;
  comment?: string;
  createdBy?: string;
}

/**
 * The rules for a {@link SilenceInput}, given the time now: fields within {@link LIMITS}, an
 * end after the start, an end (or a cron with a duration), and no window ending more than
 * 10 years after the later of now and its start.
 */
export function silenceInputSchema(now: number) {
  return z
    .strictObject({
      hostGlob: globSchema,
      startsAt: timeMsSchema.optional(),
      endsAt: timeMsSchema.nullable().optional(),
      cron: cronSchema.optional(),
      durationMs: silenceSpanMsSchema.optional(),
      comment: commentSchema.optional(),
      createdBy: createdBySchema.optional(),
    })
    .superRefine((s, ctx) => {
      const startsAt = s.startsAt ?? now;
      const endsAt = s.endsAt ?? null;
      if (endsAt !== null && endsAt <= startsAt) {
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be a valid time after startsAt' });
      } else if (endsAt !== null && endsAt - Math.max(startsAt, now) > LIMITS.silenceMaxMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['endsAt'],
          message: 'must be at most 10 years after now and after startsAt (limit silenceMaxMs)',
        });
      }
      if (s.cron !== undefined) {
        if (s.durationMs === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['durationMs'],
            message: 'a cron silence needs a positive duration (e.g. 1h)',
          });
        }
      } else if (s.durationMs !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['durationMs'],
          message: 'duration is only used with cron; use endsAt/for for a one-off window',
        });
      } else if (s.endsAt === undefined) {
        // A one-off silence with no end is allowed (until removed) only when asked for explicitly.
        ctx.addIssue({
          code: 'custom',
          path: ['endsAt'],
          message: 'give an end (for/until/endsAt) or a cron with a duration',
        });
      }
    });
}

/**
 * Checks a request against {@link silenceInputSchema} and fills defaults. Throws a
 * {@link UsageError} (exit 2, HTTP 400) naming the bad field and the limit.
 */
export function validateSilence(input: SilenceInput, now: number, origin: Silence['origin']): NewSilence {
  const trimmed = {
    ...input,
    hostGlob: typeof input.hostGlob === 'string' ? input.hostGlob.trim() : input.hostGlob,
  };
  if (trimmed.hostGlob === '')
    throw new UsageError('silence: hostGlob must name a host or a glob such as web-*');
  const r = silenceInputSchema(now).safeParse(trimmed);
  if (!r.success) throw new UsageError(`silence: ${firstIssue(r.error)}`);
  const v = r.data;
  const out: NewSilence = {
    hostGlob: v.hostGlob,
    startsAt: v.startsAt ?? now,
    endsAt: v.endsAt ?? null,
    comment: v.comment ?? '',
    createdBy: v.createdBy ?? '',
    createdAt: now,
    origin,
  };
  if (v.cron !== undefined) {
    out.cron = v.cron.trim();
    out.durationMs = v.durationMs as number;
  }
  return out;
}

const text = (max: number, limit = 'timeTextLength') =>
  z.string().max(max, `at most ${max} characters (limit ${limit})`);
const timeField = z
  .union([text(LIMITS.timeTextLength), z.number()])
  .nullable()
  .optional()
  .describe(`ISO 8601 time with a timezone (e.g. ${ISO_TIME_EXAMPLE}) or ms since the epoch`);
const durationField = z
  .union([text(LIMITS.timeTextLength), z.number()])
  .nullable()
  .optional()
  .describe('a duration such as 2h (or a number of ms)');

/**
 * The JSON body of `POST /api/silences` (what `thump silence add` sends):
 * `{ "host": "web-*", "for": "2h" }`, `{ "host": "db-1", "until": "2026-01-31T06:00:00Z" }`,
 * `{ "host": "*", "cron": "0 2 * * 0", "duration": "1h" }`, optional `startsAt`, `comment`,
 * `createdBy`; `hostGlob` is accepted for `host`, `endsAt` for `until`, `durationMs` for
 * `duration`. Field types and lengths only: the OpenAPI `SilenceRequest` is generated from it.
 */
export const silenceRequestSchema = z.strictObject({
  host: text(LIMITS.globLength, 'globLength').optional().describe('host id or glob (web-*)'),
  hostGlob: text(LIMITS.globLength, 'globLength').optional().describe('same as host'),
  for: durationField,
  until: timeField,
  endsAt: timeField,
  startsAt: timeField,
  cron: text(LIMITS.cronLength, 'cronLength')
    .optional()
    .describe('recurring: 5-field cron (UTC) for each start'),
  duration: durationField,
  durationMs: z.number().max(LIMITS.silenceMaxMs, 'must be at most 10 years (limit silenceMaxMs)').optional(),
  comment: text(LIMITS.commentLength, 'commentLength').optional(),
  createdBy: text(LIMITS.createdByLength, 'createdByLength').optional(),
});

function toTime(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const t = typeof v === 'string' ? tryParseIsoTime(v) : undefined;
  if (t !== undefined) return t;
  const given = typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v;
  throw new UsageError(
    `silence: ${field} must be an ISO 8601 time with a timezone, e.g. ${ISO_TIME_EXAMPLE}, got ${given}`,
  );
}

function toDuration(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? tryParseDuration(v) : undefined;
  if (ms === undefined || !(ms > 0)) throw new UsageError(`silence: ${field} must be a duration such as 2h`);
  if (ms > LIMITS.silenceMaxMs) {
    throw new UsageError(`silence: ${field} must be at most 10 years (limit silenceMaxMs)`);
  }
  return ms;
}

/**
 * Reads a `POST /api/silences` body into a {@link SilenceInput} (check it with
 * {@link validateSilence} before storing). Throws a {@link UsageError} naming the bad field.
 */
export function parseSilenceRequest(body: unknown, now: number): SilenceInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UsageError('silence: expected a JSON object such as {"host":"web-*","for":"2h"}');
  }
  const r = silenceRequestSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      throw new UsageError(`silence: unknown field "${issue.keys[0]}"`);
    }
    throw new UsageError(`silence: ${firstIssue(r.error)}`);
  }
  const b = r.data;
  const host = b.host ?? b.hostGlob;
  if (host === undefined) throw new UsageError('silence: host must be a host id or glob such as web-*');
  const startsAt = toTime(b.startsAt, 'startsAt');
  const forMs = toDuration(b.for, 'for');
  const until = toTime(b.until ?? b.endsAt, 'until');
  if (forMs !== undefined && until !== undefined) throw new UsageError('silence: give either for or until');
  const durationMs =
    b.durationMs !== undefined ? toDuration(b.durationMs, 'durationMs') : toDuration(b.duration, 'duration');
  const input: SilenceInput = { hostGlob: host };
  if (startsAt !== undefined) input.startsAt = startsAt;
  if (forMs !== undefined) input.endsAt = (startsAt ?? now) + forMs;
  else if (until !== undefined) input.endsAt = until;
  else if (b.cron !== undefined) input.endsAt = null;
  if (b.cron !== undefined) input.cron = b.cron;
  if (durationMs !== undefined) input.durationMs = durationMs;
  if (b.comment !== undefined) input.comment = b.comment;
  if (b.createdBy !== undefined) input.createdBy = b.createdBy;
  return input;
}
