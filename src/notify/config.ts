import { z } from 'zod';
import { duration } from '../config/zod.js';
import { EVENT_TYPES } from '../monitor/types.js';
import { ISO_TIME_EXAMPLE, tryParseIsoTime } from '../util/iso-time.js';
import { LIMITS } from '../util/limits.js';
import {
  commentSchema,
  cronSchema,
  globListSchema,
  globSchema,
  hostIdSchema,
  labelGlobsSchema,
} from './input-schemas.js';
import { notifierListSchema } from './notifiers/index.js';

/** An ISO 8601 time with its timezone (what {@link tryParseIsoTime} reads; Date.parse agrees on it). */
const isoTime = z
  .string()
  .max(LIMITS.timeTextLength)
  .superRefine((text, ctx) => {
    if (tryParseIsoTime(text) === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an ISO 8601 time with a timezone, e.g. ${ISO_TIME_EXAMPLE}, got ${JSON.stringify(text)}`,
      });
    } else if ((tryParseIsoTime(text) as number) > LIMITS.maxTimeMs) {
      ctx.addIssue({ code: 'custom', message: 'must be before the year 10000 (limit maxTimeMs)' });
    }
  });

/** A silence duration: positive, at most 10 years (limit silenceMaxMs). */
const silenceSpan = () =>
  duration().refine((ms) => ms > 0 && ms <= LIMITS.silenceMaxMs, {
    message: 'expected a positive duration of at most 10 years (limit silenceMaxMs)',
  });

/** One route: which events (types, host globs, labels) go to which notifiers. */
export const routeSchema = z.strictObject({
  /** Names from `notifiers`. */
  notifiers: z.array(z.string().min(1).max(LIMITS.hostIdLength)).min(1).max(LIMITS.globsPerList),
  /** Event types; absent = all. */
  events: z.array(z.enum(EVENT_TYPES as [string, ...string[]])).optional(),
  /** Globs on host id; absent = all hosts. */
  hosts: globListSchema.optional(),
  /** Labels the host must carry (values are globs). */
  labels: labelGlobsSchema.optional(),
  /** Alert only after this many missed intervals (overrides the top-level `alert_after`). */
  alert_after: z.number().int().min(0).optional(),
});

export const silenceConfigSchema = z
  .strictObject({
    hosts: globSchema,
    starts_at: isoTime.optional(),
    ends_at: isoTime.optional(),
    cron: cronSchema.optional(),
    duration: silenceSpan().optional(),
    comment: commentSchema.default(''),
  })
  .superRefine((s, ctx) => {
    if (s.cron !== undefined && s.duration === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'a cron silence needs a duration, e.g. 1h',
      });
    }
    if (s.cron === undefined && s.ends_at === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ends_at'],
        message: 'a one-off silence needs ends_at (or use cron)',
      });
    }
    const startsAt = s.starts_at !== undefined ? tryParseIsoTime(s.starts_at) : undefined;
    const endsAt = s.ends_at !== undefined ? tryParseIsoTime(s.ends_at) : undefined;
    if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt) {
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'ends_at must be after starts_at' });
    } else if (startsAt !== undefined && endsAt !== undefined && endsAt - startsAt > LIMITS.silenceMaxMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['ends_at'],
        message: 'a silence lasts at most 10 years after starts_at (limit silenceMaxMs)',
      });
    }
  });

export const dependencySchema = z.strictObject({
  /** Child hosts (globs). */
  hosts: globListSchema,
  /** Host id of the parent (router, switch, hypervisor). */
  parent: hostIdSchema,
});

export const watchdogSchema = z.strictObject({
  /** Dead man's switch URL (Healthchecks, Uptime Kuma push...). Never logged in full. */
  url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }),
  interval: duration().default(60_000),
  timeout: duration().default(10_000),
  method: z.enum(['get', 'post']).default('get'),
});

/**
 * The top-level thump.yaml keys owned by src/notify/ (snake_case, strict objects,
 * defaults declared here and nowhere else). Spread into the whole schema by
 * src/cli/config-schema.ts.
 */
export const notifyConfigShape = {
  /** Where notifications go; each item's keys depend on its `type` (docs/notifiers.md). */
  notifiers: notifierListSchema.default([]),
  /** Which events go to which notifiers; none = every event to every notifier. */
  routes: z.array(routeSchema).max(LIMITS.configEntries).default([]),
  grouping: z
    .strictObject({
      /** Events within this window become one message per notifier. */
      group_wait: duration().default(10_000),
      /** Reminder while a notified problem persists; 0 = never. */
      repeat_interval: duration().default(4 * 3_600_000),
      /** Host ids listed in a title before "(+N more)". */
      max_listed: z.number().int().min(1).max(1000).default(3),
    })
    .prefault({}),
  /**
   * Soft state: alert on `down` only once the host has missed this many of its beat
   * intervals (counted from its last beat). 0 = alert as soon as the monitor says down.
   */
  alert_after: z.number().int().min(0).default(0),
  silences: z.array(silenceConfigSchema).max(LIMITS.configEntries).default([]),
  /** Parents (beside the `parent=` agent label): children of a down parent are not paged. */
  dependencies: z.array(dependencySchema).max(LIMITS.configEntries).default([]),
  watchdog: watchdogSchema.optional(),
  delivery: z
    .strictObject({
      /** First retry delay; doubles each attempt (with full jitter) up to `retry_max`. */
      retry_initial: duration().default(1_000),
      retry_max: duration().default(300_000),
      /** Give up (batch `failed`) when not delivered this long after it was formed. */
      retry_deadline: duration().default(3_600_000),
      /** Upper bound for one send attempt (notifiers also have their own timeouts). */
      attempt_timeout: duration().default(30_000),
    })
    .prefault({}),
} satisfies z.ZodRawShape;

const notifyObject = z.object(notifyConfigShape);
/** The notify part of the effective config. */
export type NotifyConfig = z.output<typeof notifyObject>;
export type RouteConfig = z.output<typeof routeSchema>;
export type DependencyConfig = z.output<typeof dependencySchema>;
