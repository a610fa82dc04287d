// Timestamps given by people (API, CLI, thump.yaml): ISO 8601 with a timezone, nothing looser.

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
}

/**
 * Reads an ISO 8601 (RFC 3339) date and time with its timezone: `2026-01-31T02:00:00Z`,
 * `2026-01-31T03:00+01:00`, seconds and a fraction optional (cut to whole ms). Returns ms
 * since the epoch, or `undefined` for anything else. `Date.parse` is not enough: it reads
 * "1" and "March 7", a time without a zone as the machine's local time, and 2026-02-30 as
 * March 2.
 */
export function tryParseIsoTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offHours = Number(m[9] ?? 0);
  const offMinutes = Number(m[10] ?? 0);
  if (offHours > 23 || offMinutes > 59) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day); // Date.UTC would put years 0-99 in the 1900s
  at.setUTCHours(hour, minute, second, ms);
  const offset = (m[8] === '-' ? -1 : 1) * (offHours * 60 + offMinutes) * 60_000;
  return at.getTime() - offset;
}

/** What every such time must look like, for messages. */
export const ISO_TIME_EXAMPLE = '2026-01-31T02:00:00Z';
