import type { HostEvent } from '../monitor/types.js';

/**
 * The words of a notification: a batch's title ("23 hosts down: a, b, c (+20 more)") and
 * its text (one line per event). Pure; src/notify/grouping.ts decides what goes in a batch.
 */

const SEVERITY: Record<string, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/** Severity 0..3 of a `check` event (number or name in details), 0 when absent. */
export function checkSeverity(e: Pick<HostEvent, 'details'>): number {
  const s = e.details.severity;
  if (typeof s === 'number') return s;
  if (typeof s === 'string') return SEVERITY[s.toLowerCase()] ?? 3;
  return 0;
}

/** Longest text: chat services cap message size; the `events` array still has every event. */
const MAX_TEXT_LINES = 100;

/** "a, b, c (+20 more)" */
export function listHosts(ids: readonly string[], max: number): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} (+${ids.length - max} more)` : shown;
}

const PHRASES: Record<string, [one: string, many: string]> = {
  down: ['down', 'hosts down'],
  up: ['up again', 'hosts up again'],
  new: ['is new', 'new hosts'],
  left: ['left (goodbye)', 'hosts left'],
  restarted: ['restarted', 'hosts restarted'],
  flapping: ['is flapping (pages paused)', 'hosts flapping (pages paused)'],
  'flapping-stopped': ['stopped flapping', 'hosts stopped flapping'],
  'flapping-stopped-down': ['stopped flapping and is down', 'hosts stopped flapping and are down'],
  'check-problem': ['check failing', 'checks failing'],
  'check-ok': ['check OK again', 'checks OK again'],
};

function checkLabel(e: HostEvent): string {
  const sev = checkSeverity(e);
  const name = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][sev] ?? String(sev);
  const text = typeof e.details.text === 'string' && e.details.text !== '' ? `: ${e.details.text}` : '';
  return `${e.hostId} ${String(e.details.checkId ?? '')} ${name}${text}`;
}

/**
 * Title and text of a batch: "23 hosts down: a, b, c (+20 more)"; several kinds joined by
 * "; ". The text has one line per event with its time, so nothing is hidden.
 */
export function summarize(
  events: readonly HostEvent[],
  maxListed: number,
  prefix: string,
  orphanDependents: ReadonlyArray<[string, string[]]> = [],
): { title: string; text: string } {
  const byKind = new Map<string, HostEvent[]>();
  for (const e of events) {
    const kind =
      e.type === 'check'
        ? checkSeverity(e) > 0
          ? 'check-problem'
          : 'check-ok'
        : e.type === 'flapping-stopped' && e.details.stillDown === true
          ? 'flapping-stopped-down'
          : e.type;
    const list = byKind.get(kind) ?? [];
    list.push(e);
    byKind.set(kind, list);
  }
  const parts: string[] = [];
  for (const [kind, list] of byKind) {
    if (kind === 'network') {
      parts.push(`network problem: ${String(list[0]?.details.count ?? 'many')} hosts fell silent at once`);
    } else if (kind === 'network-recovered') {
      parts.push('network recovered');
    } else if (kind === 'check-problem' || kind === 'check-ok') {
      const [, many] = PHRASES[kind] as [string, string];
      parts.push(
        list.length === 1
          ? `${checkLabel(list[0] as HostEvent)}`
          : `${list.length} ${many}: ${listHosts(
              list.map((e) => `${e.hostId} ${String(e.details.checkId ?? '')}`),
              maxListed,
            )}`,
      );
    } else {
      const [one, many] = PHRASES[kind] ?? [kind, `hosts ${kind}`];
      const ids = list.map((e) => e.hostId);
      parts.push(
        list.length === 1 ? `${ids[0]} ${one}` : `${list.length} ${many}: ${listHosts(ids, maxListed)}`,
      );
    }
  }
  const lines = events.slice(0, MAX_TEXT_LINES).map((e) => {
    const what = e.type === 'check' ? checkLabel(e) : `${e.hostId || '(fleet)'} ${e.type}`;
    const kids = Array.isArray(e.details.dependents) ? (e.details.dependents as string[]) : [];
    const dep = kids.length
      ? ` (${kids.length} dependent hosts unreachable: ${listHosts(kids, maxListed)})`
      : '';
    return `${new Date(e.at).toISOString()} ${what}${dep}`;
  });
  if (events.length > MAX_TEXT_LINES) lines.push(`(+${events.length - MAX_TEXT_LINES} more events)`);
  for (const [parent, kids] of orphanDependents) {
    lines.push(
      `${kids.length} hosts behind ${parent} (down) not paged separately: ${listHosts(kids, maxListed)}`,
    );
  }
  for (const e of events) {
    const kids = Array.isArray(e.details.dependents) ? (e.details.dependents as string[]) : [];
    if (kids.length) parts.push(`${kids.length} dependent hosts of ${e.hostId} affected`);
  }
  return { title: prefix + parts.join('; '), text: lines.join('\n') };
}
