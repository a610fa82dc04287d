import { checkGlob } from '../util/glob.js';
import { tryParseIsoTime } from '../util/iso-time.js';
import { LIMITS } from '../util/limits.js';
import { HttpError } from './http-error.js';

/**
 * Query-parameter readers for every route: each value is bounded by {@link LIMITS} before
 * anything looks at it (length, number of values, glob limits), so a hostile query string
 * costs as much as a short one, and the answer is a 400 naming the parameter and the limit.
 */

type Query = Record<string, string | string[] | undefined>;

function tooLong(name: string, value: string, max: number, limit: string): HttpError {
  return new HttpError(
    400,
    `${name} is ${value.length} characters long; at most ${max} are allowed (limit ${limit})`,
  );
}

function values(q: Query, name: string): string[] {
  const v = q[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (list.length > LIMITS.queryValues) {
    throw new HttpError(
      400,
      `${name} is given ${list.length} times; at most ${LIMITS.queryValues} are allowed (limit queryValues)`,
    );
  }
  for (const s of list) {
    if (s.length > LIMITS.queryValueLength)
      throw tooLong(name, s, LIMITS.queryValueLength, 'queryValueLength');
  }
  return list;
}

/** The last value of a query parameter (repeated keys: the last wins), or undefined. */
export function one(q: Query, name: string): string | undefined {
  const list = values(q, name);
  return list[list.length - 1];
}

/** All values of a repeatable and/or comma-separated parameter (`?state=up,down&state=left`). */
export function many(q: Query, name: string): string[] {
  const out = values(q, name)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (out.length > LIMITS.queryValues) {
    throw new HttpError(
      400,
      `${name} holds ${out.length} values; at most ${LIMITS.queryValues} are allowed (limit queryValues)`,
    );
  }
  return out;
}

/** A string parameter of at most `max` characters (`limit` names the bound in the message). */
export function textParam(q: Query, name: string, max: number, limit: string): string | undefined {
  const raw = one(q, name);
  if (raw !== undefined && raw.length > max) throw tooLong(name, raw, max, limit);
  return raw;
}

/** A glob parameter (`?id=web-*`) within the glob limits, or undefined when absent or empty. */
export function globParam(q: Query, name: string): string | undefined {
  const raw = one(q, name);
  if (raw === undefined || raw === '') return undefined;
  const problem = checkGlob(raw);
  if (problem !== undefined) throw new HttpError(400, `${name}: the glob ${problem}`);
  return raw;
}

/** An integer parameter within bounds; a clear 400 otherwise. */
export function intParam(
  q: Query,
  name: string,
  opts: { min: number; max: number; fallback: number },
): number {
  const raw = one(q, name);
  if (raw === undefined || raw === '') return opts.fallback;
  if (!/^-?\d+$/.test(raw))
    throw new HttpError(400, `${name} must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < opts.min || n > opts.max)
    throw new HttpError(400, `${name} must be between ${opts.min} and ${opts.max}, got ${n}`);
  return n;
}

/** A time parameter: ISO 8601 or ms since epoch. */
export function timeParam(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined || raw === '') return undefined;
  // Not Date.parse: it reads "1" and "March 7", and a time without a zone as local time.
  const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : tryParseIsoTime(raw);
  if (ms === undefined)
    throw new HttpError(
      400,
      `${name} must be an ISO 8601 time with a timezone (e.g. 2026-01-31T02:00:00Z) or ms since epoch, got ${JSON.stringify(raw.slice(0, 60))}`,
    );
  return ms;
}

/**
 * A paging cursor: the opaque `c<eventId>` strings the API hands out in `Link` headers and
 * `nextCursor`; bare event ids are accepted too. Anything else is a 400.
 */
export function cursorParam(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined || raw === '') return undefined;
  const m = /^c?(\d{1,15})$/.exec(raw);
  if (!m)
    throw new HttpError(
      400,
      `bad cursor ${name}=${JSON.stringify(raw.slice(0, 40))}: use a value from a previous answer`,
    );
  return Number(m[1]);
}

export function cursorOf(eventId: number): string {
  return `c${eventId}`;
}
