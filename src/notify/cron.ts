/**
 * A small 5-field cron matcher (minute hour day-of-month month day-of-week) for recurring
 * silences. Pure: no clocks, no timers. Supports `*`, numbers, lists `1,3`, ranges `1-5`,
 * steps `*\/15` and `1-30/5`, month names (`jan`) and day names (`sun`, 0 and 7 are Sunday).
 * As in Vixie cron, when both day-of-month and day-of-week are restricted, a day matches
 * when EITHER matches.
 */

export interface CronSpec {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly daysRestricted: boolean;
  readonly weekdaysRestricted: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesBase?: number;
}

const FIELDS: FieldDef[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesBase: 0 },
];

function parseValue(text: string, def: FieldDef): number {
  const lower = text.toLowerCase();
  const named = def.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (def.namesBase ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`${def.name}: "${text}" is not a number`);
  const n = Number(text);
  if (n < def.min || n > def.max) throw new Error(`${def.name}: ${n} is outside ${def.min}-${def.max}`);
  return n;
}

function parseField(text: string, def: FieldDef): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText, stepText, extra] = part.split('/');
    if (extra !== undefined || rangeText === undefined || rangeText === '') {
      throw new Error(`${def.name}: cannot read "${part}"`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new Error(`${def.name}: step "${stepText}" must be a positive number`);
      }
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (rangeText === '*') {
      lo = def.min;
      hi = def.max;
    } else if (rangeText.includes('-')) {
      const [a, b, more] = rangeText.split('-');
      if (more !== undefined || a === undefined || b === undefined) {
        throw new Error(`${def.name}: cannot read range "${rangeText}"`);
      }
      lo = parseValue(a, def);
      hi = parseValue(b, def);
      if (lo > hi) throw new Error(`${def.name}: range "${rangeText}" runs backwards`);
    } else {
      lo = parseValue(rangeText, def);
      hi = stepText === undefined ? lo : def.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/**
 * Parses a 5-field cron expression; throws an Error whose message names the bad field,
 * so config and API errors can say what was expected.
 */
export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(
      `expected 5 cron fields (minute hour day-of-month month day-of-week), got ${parts.length} in "${expr}"`,
    );
  }
  const sets = parts.map((p, i) => parseField(p, FIELDS[i] as FieldDef));
  const weekdays = sets[4] as Set<number>;
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  return {
    source: expr,
    minutes: sets[0] as Set<number>,
    hours: sets[1] as Set<number>,
    days: sets[2] as Set<number>,
    months: sets[3] as Set<number>,
    weekdays,
    daysRestricted: parts[2] !== '*',
    weekdaysRestricted: parts[4] !== '*',
  };
}

/** Whether the minute containing `at` (ms epoch) matches; `utc` false uses local time like cron. */
export function cronMatches(spec: CronSpec, at: number, utc = true): boolean {
  const d = new Date(at);
  const minute = utc ? d.getUTCMinutes() : d.getMinutes();
  const hour = utc ? d.getUTCHours() : d.getHours();
  const day = utc ? d.getUTCDate() : d.getDate();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const weekday = utc ? d.getUTCDay() : d.getDay();
  if (!spec.minutes.has(minute) || !spec.hours.has(hour) || !spec.months.has(month)) return false;
  const dayOk = spec.days.has(day);
  const weekdayOk = spec.weekdays.has(weekday);
  if (spec.daysRestricted && spec.weekdaysRestricted) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}

const MINUTE = 60_000;

/**
 * The start (ms epoch, minute-aligned) of the window of length `durationMs` that contains
 * `at`, when the cron fires at some minute in `(at - durationMs, at]`; otherwise undefined.
 * Scans minute by minute backwards (a 1-day window is 1,440 cheap set lookups).
 */
export function activeCronWindowStart(
  spec: CronSpec,
  durationMs: number,
  at: number,
  utc = true,
): number | undefined {
  const start = Math.floor(at / MINUTE) * MINUTE;
  for (let t = start; t > at - durationMs; t -= MINUTE) {
    if (cronMatches(spec, t, utc)) return t;
  }
  return undefined;
}
