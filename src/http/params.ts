import { tryParseIsoTime } from '../util/iso-time.js';
import { HttpError } from './http-error.js';

type Query = Record<string, string | string[] | undefined>;

/** The last value of a query parameter (repeated keys: the last wins), or undefined. */
export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** All values of a repeatable and/or comma-separated parameter (`?state=up,down&state=left`). */
export function many(q: Query, name: string): string[] {
  const v = q[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
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
