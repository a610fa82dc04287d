import { UsageError } from '../errors.js';
import { tryParseDuration } from '../util/duration.js';
import { globMatcher } from '../util/glob.js';
import { ISO_TIME_EXAMPLE, tryParseIsoTime } from '../util/iso-time.js';
import { activeCronWindowStart, type CronSpec, parseCron } from './cron.js';
import type { Silence } from './types.js';

/**
 * Silences (maintenance windows), the pure part: validating what people ask for, and
 * deciding whether a host is silenced at an instant. Recurring silences use a 5-field cron
 * evaluated in UTC (the same on every machine; write `0 2 * * 0` for Sundays 02:00 UTC).
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

/** A validated silence before the store gives it an id. */
export type NewSilence = Omit<Silence, 'id'>;

/**
 * Checks a request and fills defaults. Throws a {@link UsageError} (exit 2, HTTP 400)
 * naming the bad field.
 */
export function validateSilence(input: SilenceInput, now: number, origin: Silence['origin']): NewSilence {
  const hostGlob = (input.hostGlob ?? '').trim();
  if (hostGlob === '') throw new UsageError('silence: hostGlob must name a host or a glob such as web-*');
  const startsAt = input.startsAt ?? now;
  const endsAt = input.endsAt ?? null;
  if (!Number.isFinite(startsAt)) throw new UsageError('silence: startsAt is not a valid time');
  if (endsAt !== null && (!Number.isFinite(endsAt) || endsAt <= startsAt)) {
    throw new UsageError('silence: endsAt must be a valid time after startsAt');
  }
  const out: NewSilence = {
    hostGlob,
    startsAt,
    endsAt,
    comment: input.comment ?? '',
    createdBy: input.createdBy ?? '',
    createdAt: now,
    origin,
  };
  if (input.cron !== undefined) {
    try {
      parseCron(input.cron);
    } catch (err) {
      throw new UsageError(`silence: cron: ${(err as Error).message}`);
    }
    if (input.durationMs === undefined || !(input.durationMs > 0)) {
      throw new UsageError('silence: a cron silence needs a positive duration (e.g. 1h)');
    }
    out.cron = input.cron.trim();
    out.durationMs = input.durationMs;
  } else if (input.durationMs !== undefined) {
    throw new UsageError('silence: duration is only used with cron; use endsAt/for for a one-off window');
  } else if (endsAt === null && input.endsAt === undefined) {
    // A one-off silence with no end is allowed (until removed) only when asked for explicitly.
    throw new UsageError('silence: give an end (for/until/endsAt) or a cron with a duration');
  }
  return out;
}

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
  return ms;
}

/**
 * Reads the JSON body of `POST /api/silences` (what `thump silence add` sends):
 * `{ "host": "web-*", "for": "2h" }`, `{ "host": "db-1", "until": "2026-01-31T06:00:00Z" }`,
 * `{ "host": "*", "cron": "0 2 * * 0", "duration": "1h" }`, optional `startsAt`, `comment`,
 * `createdBy`. `hostGlob` is accepted for `host`, `endsAt` for `until`, `durationMs` (number)
 * for `duration`. Throws a {@link UsageError} naming the bad field.
 */
export function parseSilenceRequest(body: unknown, now: number): SilenceInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UsageError('silence: expected a JSON object such as {"host":"web-*","for":"2h"}');
  }
  const b = body as Record<string, unknown>;
  const known = new Set([
    'host',
    'hostGlob',
    'for',
    'until',
    'endsAt',
    'startsAt',
    'cron',
    'duration',
    'durationMs',
    'comment',
    'createdBy',
  ]);
  for (const k of Object.keys(b)) {
    if (!known.has(k)) throw new UsageError(`silence: unknown field "${k}"`);
  }
  const host = b.host ?? b.hostGlob;
  if (typeof host !== 'string') throw new UsageError('silence: host must be a host id or glob such as web-*');
  const startsAt = toTime(b.startsAt, 'startsAt');
  const forMs = toDuration(b.for, 'for');
  const until = toTime(b.until ?? b.endsAt, 'until');
  if (forMs !== undefined && until !== undefined) throw new UsageError('silence: give either for or until');
  const durationMs =
    typeof b.durationMs === 'number'
      ? toDuration(b.durationMs, 'durationMs')
      : toDuration(b.duration, 'duration');
  if (b.cron !== undefined && typeof b.cron !== 'string')
    throw new UsageError('silence: cron must be a string');
  if (b.comment !== undefined && typeof b.comment !== 'string') {
    throw new UsageError('silence: comment must be a string');
  }
  const input: SilenceInput = { hostGlob: host };
  if (startsAt !== undefined) input.startsAt = startsAt;
  if (forMs !== undefined) input.endsAt = (startsAt ?? now) + forMs;
  else if (until !== undefined) input.endsAt = until;
  else if (b.cron !== undefined) input.endsAt = null;
  if (b.cron !== undefined) input.cron = b.cron as string;
  if (durationMs !== undefined) input.durationMs = durationMs;
  if (typeof b.comment === 'string') input.comment = b.comment;
  if (typeof b.createdBy === 'string') input.createdBy = b.createdBy;
  return input;
}

/** Whether a silence is in force at `at` (ignoring which hosts it covers). */
export function silenceActiveAt(s: Silence, at: number, cron?: CronSpec): boolean {
  if (at < s.startsAt) return false;
  if (s.endsAt !== null && at >= s.endsAt) return false;
  if (s.cron === undefined) return true;
  const spec = cron ?? parseCron(s.cron);
  return activeCronWindowStart(spec, s.durationMs ?? 0, at) !== undefined;
}

/** For lists: `active` now, `pending` (starts later or between cron windows), `expired`. */
export function silenceState(s: Silence, now: number): 'active' | 'pending' | 'expired' {
  if (s.endsAt !== null && now >= s.endsAt) return 'expired';
  return silenceActiveAt(s, now) ? 'active' : 'pending';
}

/** Silences compiled once (globs, cron specs) for the many per-event checks of a dispatch. */
export class SilenceMatcher {
  private readonly compiled: Array<{ s: Silence; match: (id: string) => boolean; cron?: CronSpec }>;

  constructor(silences: readonly Silence[]) {
    this.compiled = silences.map((s) => {
      const c: { s: Silence; match: (id: string) => boolean; cron?: CronSpec } = {
        s,
        match: globMatcher(s.hostGlob),
      };
      if (s.cron !== undefined) c.cron = parseCron(s.cron);
      return c;
    });
  }

  /** The first silence covering `hostId` at `at`, if any. */
  find(hostId: string, at: number): Silence | undefined {
    for (const c of this.compiled) {
      if (c.match(hostId) && silenceActiveAt(c.s, at, c.cron)) return c.s;
    }
    return undefined;
  }
}
