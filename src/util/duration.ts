import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration such as `250ms`, `10s`, `5m`, `1h30m` or `2d` into milliseconds.
 * A bare number is taken as seconds (what most sysadmins mean by `--interval 5`).
 * Returns `undefined` for anything else, so callers can name the offending key.
 */
export function tryParseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(s)) return finite(Math.round(Number(s) * 1000));
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return finite(Math.round(total));
}

/** A duration too large to represent (hundreds of digits) is no duration at all. */
function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? ms : undefined;
}

/** Like {@link tryParseDuration} but throws a {@link UsageError} naming `what`. */
export function parseDuration(text: string, what: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new UsageError(
      `${what}: "${text}" is not a duration; use a number with a unit, e.g. 500ms, 10s, 5m, 1h, 2d`,
    );
  }
  return ms;
}

/** The longest a Node timer can wait (~24.8 days); a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Reads a request timeout flag (`--timeout 5s`, `500ms`). A bare whole number is
 * milliseconds, as these flags took before they took durations, so old scripts keep working.
 * Throws a {@link UsageError} naming `what` for zero, or for more than a timer can wait.
 */
export function parseTimeoutMs(text: string, what: string): number {
  const s = text.trim();
  let ms: number;
  if (/^\d+(?:\.\d*)?$/.test(s)) {
    ms = Number(s);
    if (!Number.isInteger(ms)) {
      throw new UsageError(
        `${what}: "${text}" is not a duration; a bare number is whole milliseconds (5000), or give a unit: 500ms, 5s`,
      );
    }
  } else {
    ms = parseDuration(text, what);
  }
  if (ms <= 0) throw new UsageError(`${what}: "${text}" must be longer than zero`);
  if (ms > MAX_TIMER_MS) {
    throw new UsageError(
      `${what}: "${text}" is longer than a timer can wait (${formatDuration(MAX_TIMER_MS)})`,
    );
  }
  return ms;
}

/**
 * Formats milliseconds compactly for people: `950ms`, `12s`, `5m3s`, `2h5m`, `3d4h`.
 * The value is first rounded to a whole millisecond (so 999.6 is `1s`, not `1000ms`, and
 * -0.4 is `0ms`, not `-0ms`), then truncated to the smallest unit shown.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let v = Math.round(Math.abs(ms));
  const neg = ms < 0 && v > 0 ? '-' : '';
  if (v < 1000) return `${neg}${v}ms`;
  v = Math.floor(v / 1000);
  const d = Math.floor(v / 86400);
  const h = Math.floor((v % 86400) / 3600);
  const m = Math.floor((v % 3600) / 60);
  const s = v % 60;
  if (d > 0) return `${neg}${d}d${h ? `${h}h` : ''}`;
  if (h > 0) return `${neg}${h}h${m ? `${m}m` : ''}`;
  if (m > 0) return `${neg}${m}m${s ? `${s}s` : ''}`;
  return `${neg}${s}s`;
}
