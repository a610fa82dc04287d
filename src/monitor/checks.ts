import type { CheckResult } from '../protocol/types.js';
import { SEVERITY_NAMES } from '../protocol/types.js';

/** Details of a `check` event: a check's severity changed (raise or clear). */
export interface CheckChange extends Record<string, unknown> {
  checkId: string;
  severity: string;
  previous: string;
  severityCode: number;
  previousCode: number;
  text: string;
}

const name = (s: number) => SEVERITY_NAMES[s] ?? 'unknown';

/**
 * The check changes between two beats of a host. A check seen for the first time counts as
 * previously `ok` (so a new failing check raises, a new passing one is silent); a check that
 * was failing and is no longer reported clears to `ok`, so no alert stays stuck. Pure.
 */
export function checkChanges(
  prev: readonly CheckResult[] | undefined,
  cur: readonly CheckResult[],
): CheckChange[] {
  const out: CheckChange[] = [];
  const change = (checkId: string, sev: number, before: number, text: string) =>
    out.push({
      checkId,
      severity: name(sev),
      previous: name(before),
      severityCode: sev,
      previousCode: before,
      text,
    });
  for (const c of cur) {
    const before = prev?.find((x) => x.id === c.id)?.severity ?? 0;
    if (before !== c.severity) change(c.id, c.severity, before, c.text);
  }
  for (const p of prev ?? []) {
    if (p.severity !== 0 && !cur.some((c) => c.id === p.id))
      change(p.id, 0, p.severity, 'check no longer reported');
  }
  return out;
}
