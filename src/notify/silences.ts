import { checkGlob, globMatcher } from '../util/glob.js';
import { activeCronWindowStart, type CronSpec, parseCron } from './cron.js';
import type { Silence } from './types.js';

/**
 * Silences (maintenance windows), the pure part: deciding whether a host is silenced at an
 * instant (what people may ask for is checked in silence-input.ts). Recurring silences use a 5-field cron
 * evaluated in UTC (the same on every machine; write `0 2 * * 0` for Sundays 02:00 UTC).
 */

export {
  parseSilenceRequest,
  type SilenceInput,
  silenceInputSchema,
  validateSilence,
} from './silence-input.js';
export type { NewSilence } from './types.js';

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

/**
 * Silences compiled once (globs, cron specs) for the many per-event checks of a dispatch.
 * A stored silence whose glob breaks today's limits (written by a version before them) or
 * whose cron no longer parses covers nothing: it still lists, so it can be removed, but it
 * can neither freeze a match nor fail every dispatch step. `skipped` counts them.
 */
export class SilenceMatcher {
  private readonly compiled: Array<{ s: Silence; match: (id: string) => boolean; cron?: CronSpec }>;
  /** Silences left out because they are no longer valid. */
  readonly skipped: number;

  constructor(silences: readonly Silence[]) {
    this.compiled = [];
    let skipped = 0;
    for (const s of silences) {
      let cron: CronSpec | undefined;
      try {
        if (checkGlob(s.hostGlob) !== undefined) throw new Error('glob beyond the limits');
        if (s.cron !== undefined) cron = parseCron(s.cron);
      } catch {
        skipped++;
        continue;
      }
      const c: { s: Silence; match: (id: string) => boolean; cron?: CronSpec } = {
        s,
        match: globMatcher(s.hostGlob),
      };
      if (cron !== undefined) c.cron = cron;
      this.compiled.push(c);
    }
    this.skipped = skipped;
  }

  /** The first silence covering `hostId` at `at`, if any. */
  find(hostId: string, at: number): Silence | undefined {
    for (const c of this.compiled) {
      if (c.match(hostId) && silenceActiveAt(c.s, at, c.cron)) return c.s;
    }
    return undefined;
  }
}
