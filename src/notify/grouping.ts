import type { HostEvent, HostState } from '../monitor/types.js';
import type { NotificationBatch } from './types.js';

/**
 * The pure heart of the pipeline: given one notifier's outbox rows whose group window
 * closed, decide which are paged (in which batch) and which are suppressed and why.
 * No clocks, no I/O: everything it needs to know about the world comes in `ctx`.
 */

/** One pending outbox row. `reminder` 0 is the event itself; n > 0 is its n-th reminder. */
export interface OutboxItem {
  rowId: number;
  notifier: string;
  event: HostEvent;
  reminder: number;
  readyAt: number;
}

/** How an event takes part in alert state: problems open an alert, resolutions close it. */
export type EventRole =
  | { role: 'problem'; key: string }
  | { role: 'resolution'; key: string }
  | { role: 'info' };

const SEVERITY: Record<string, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/** Severity 0..3 of a `check` event (number or name in details), 0 when absent. */
export function checkSeverity(e: Pick<HostEvent, 'details'>): number {
  const s = e.details.severity;
  if (typeof s === 'number') return s;
  if (typeof s === 'string') return SEVERITY[s.toLowerCase()] ?? 3;
  return 0;
}

/** The alert key of an event: `down`, `check:<id>`, `network`. */
export function classify(e: Pick<HostEvent, 'type' | 'details'>): EventRole {
  switch (e.type) {
    case 'down':
      return { role: 'problem', key: 'down' };
    case 'up':
      return { role: 'resolution', key: 'down' };
    case 'network':
      return { role: 'problem', key: 'network' };
    case 'network-recovered':
      return { role: 'resolution', key: 'network' };
    case 'check': {
      const key = `check:${String(e.details.checkId ?? '')}`;
      return checkSeverity(e) > 0 ? { role: 'problem', key } : { role: 'resolution', key };
    }
    default:
      return { role: 'info' };
  }
}

/** What the planner may ask about the world at `now`. */
export interface PlanContext {
  now: number;
  /** A reason string when `hostId` is silenced at `at` (e.g. `silence 3: patching`). */
  silenced(hostId: string, at: number): string | undefined;
  host(id: string): { state: HostState; flapping: boolean; labels: Record<string, string> } | undefined;
  /** Still in the problem state `key`? (`down`: host down; `check:x`: check failing.) */
  stillFailing(hostId: string, key: string): boolean;
  parentOf(hostId: string, labels: Record<string, string>): string | undefined;
  /** Whether this notifier was sent a problem for (host, key) not yet resolved. */
  isOpen(hostId: string, key: string): boolean;
  maxListed: number;
}

export type SuppressReason =
  | 'silenced'
  | 'flapping'
  | 'parent-down'
  | 'recovered'
  | 'resolved-in-group'
  | 'not-notified'
  | 'not-failing';

export interface PlannedBatch {
  kind: NotificationBatch['kind'];
  rowIds: number[];
  events: HostEvent[];
  title: string;
  text: string;
}

export interface GroupPlan {
  suppressed: Array<{ rowId: number; reason: SuppressReason; detail?: string }>;
  batches: PlannedBatch[];
  /** Alerts this notifier is now told about (open them), and those now resolved (close them). */
  open: Array<{ hostId: string; key: string; eventId: number }>;
  close: Array<{ hostId: string; key: string }>;
  /** Rows whose event is sent with extra details (a parent's `dependents`). */
  rewrites: Array<{ rowId: number; event: HostEvent }>;
}

const k = (hostId: string, key: string) => `${hostId}\u0000${key}`;

/**
 * Plans one group of rows for one notifier. Rules, in order:
 * - a resolution is sent only if its problem was sent (always then, even when the host is
 *   silenced or flapping now: "resolved always follows a notified alert"); a problem and
 *   its resolution inside one group cancel out (nothing is sent);
 * - problems and info events of silenced hosts are suppressed;
 * - `down` of a flapping host is suppressed (the `flapping` event is sent instead);
 * - `down` whose parent is down is suppressed and counted in the parent's message;
 * - a `down` held back by `alert_after` is dropped if the host recovered meanwhile;
 * - reminders go out only while the problem is still open, failing, and not silenced.
 */
export function planGroup(items: readonly OutboxItem[], ctx: PlanContext): GroupPlan {
  const plan: GroupPlan = { suppressed: [], batches: [], open: [], close: [], rewrites: [] };
  const sorted = [...items].sort((a, b) => a.event.id - b.event.id || a.reminder - b.reminder);
  const included = new Map<number, OutboxItem>(); // rowId -> item
  const openNow = new Map<string, { item?: OutboxItem; previously: boolean }>();
  const dependents = new Map<string, string[]>(); // parent -> children suppressed
  const flappingInGroup = new Set(
    sorted.filter((i) => i.event.type === 'flapping').map((i) => i.event.hostId),
  );
  const downInGroup = new Set(sorted.filter((i) => i.event.type === 'down').map((i) => i.event.hostId));
  const reminders: OutboxItem[] = [];
  const stillDown = new Set<number>(); // flapping-stopped rows of hosts that are down now
  const suppress = (item: OutboxItem, reason: SuppressReason, detail?: string) => {
    plan.suppressed.push(
      detail === undefined ? { rowId: item.rowId, reason } : { rowId: item.rowId, reason, detail },
    );
  };
  const isOpen = (hostId: string, key: string) => {
    const o = openNow.get(k(hostId, key));
    return o ? o.item !== undefined || o.previously : ctx.isOpen(hostId, key);
  };

  for (const item of sorted) {
    const e = item.event;
    const role = classify(e);
    const host = ctx.host(e.hostId);
    const silence = ctx.silenced(e.hostId, e.at) ?? ctx.silenced(e.hostId, ctx.now);
    if (item.reminder > 0) {
      // A `flapping-stopped` page of a host that was down stands for its `down`.
      const key = role.role === 'problem' ? role.key : e.type === 'flapping-stopped' ? 'down' : undefined;
      if (key === undefined || !isOpen(e.hostId, key)) suppress(item, 'not-notified');
      else if (!ctx.stillFailing(e.hostId, key)) suppress(item, 'not-failing');
      else if (ctx.silenced(e.hostId, ctx.now)) suppress(item, 'silenced');
      else if (key === 'down' && host?.flapping) suppress(item, 'flapping');
      else reminders.push(item);
      continue;
    }
    if (role.role === 'resolution') {
      const id = k(e.hostId, role.key);
      const o = openNow.get(id) ?? { previously: ctx.isOpen(e.hostId, role.key) };
      if (o.item) {
        // Problem and resolution in one group: neither is worth a page.
        included.delete(o.item.rowId);
        suppress(o.item, 'resolved-in-group');
        suppress(item, 'resolved-in-group');
        openNow.set(id, { previously: false });
      } else if (o.previously) {
        included.set(item.rowId, item);
        plan.close.push({ hostId: e.hostId, key: role.key });
        openNow.set(id, { previously: false });
      } else {
        suppress(item, 'not-notified');
      }
      continue;
    }
    if (silence !== undefined) {
      suppress(item, 'silenced', silence);
      continue;
    }
    if (role.role === 'info') {
      included.set(item.rowId, item);
      if (e.type === 'flapping-stopped' && host?.state === 'down' && !isOpen(e.hostId, 'down')) {
        // Its downs were not paged while it flapped; it is down now, so this is the page.
        openNow.set(k(e.hostId, 'down'), { item, previously: false });
        stillDown.add(item.rowId);
      }
      continue;
    }
    if (e.type === 'down') {
      if (host?.flapping || flappingInGroup.has(e.hostId)) {
        suppress(item, 'flapping');
        continue;
      }
      const parent = ctx.parentOf(e.hostId, host?.labels ?? {});
      if (parent !== undefined && (ctx.host(parent)?.state === 'down' || downInGroup.has(parent))) {
        suppress(item, 'parent-down', parent);
        const list = dependents.get(parent) ?? [];
        list.push(e.hostId);
        dependents.set(parent, list);
        continue;
      }
      if (item.readyAt > e.at && host !== undefined && host.state !== 'down') {
        suppress(item, 'recovered');
        continue;
      }
    }
    const id = k(e.hostId, role.key);
    const prev = openNow.get(id);
    if (prev?.item) included.delete(prev.item.rowId); // an escalation replaces the earlier row
    openNow.set(id, { item, previously: prev?.previously ?? ctx.isOpen(e.hostId, role.key) });
    included.set(item.rowId, item);
  }

  for (const [id, o] of openNow) {
    if (!o.item) continue;
    if (!included.has(o.item.rowId)) continue;
    const [hostId, key] = id.split('\u0000') as [string, string];
    plan.open.push({ hostId, key, eventId: o.item.event.id });
  }
  // Rows replaced by an escalation within the group are folded into the newer one.
  const alerts: OutboxItem[] = [];
  const resolved: OutboxItem[] = [];
  const folded: number[] = [];
  const suppressedIds = new Set(plan.suppressed.map((x) => x.rowId));
  for (const item of sorted) {
    if (item.reminder > 0) continue;
    if (included.has(item.rowId)) {
      (classify(item.event).role === 'resolution' ? resolved : alerts).push(item);
    } else if (!suppressedIds.has(item.rowId)) {
      folded.push(item.rowId);
    }
  }
  if (alerts.length === 0) {
    for (const rowId of folded) plan.suppressed.push({ rowId, reason: 'resolved-in-group' });
    folded.length = 0;
  }
  if (alerts.length > 0) {
    const withDependents = alerts.map((i) => {
      const kids = i.event.type === 'down' ? dependents.get(i.event.hostId) : undefined;
      if (!kids && !stillDown.has(i.rowId)) return i.event;
      const extraDetails = kids ? { dependents: kids } : { stillDown: true };
      const event = { ...i.event, details: { ...i.event.details, ...extraDetails } };
      plan.rewrites.push({ rowId: i.rowId, event });
      return event;
    });
    // Children whose parent's own `down` is not in this batch still get one summary line.
    const extra = [...dependents].filter(
      ([p]) => !alerts.some((i) => i.event.type === 'down' && i.event.hostId === p),
    );
    plan.batches.push({
      kind: 'alert',
      rowIds: [...alerts.map((i) => i.rowId), ...folded],
      events: withDependents,
      ...summarize(withDependents, ctx.maxListed, '', extra),
    });
  }
  if (resolved.length > 0) {
    const events = resolved.map((i) => i.event);
    plan.batches.push({
      kind: 'resolved',
      rowIds: resolved.map((i) => i.rowId),
      events,
      ...summarize(events, ctx.maxListed, ''),
    });
  }
  if (reminders.length > 0) {
    const events = reminders.map((i) => i.event);
    plan.batches.push({
      kind: 'reminder',
      rowIds: reminders.map((i) => i.rowId),
      events,
      ...summarize(events, ctx.maxListed, 'still: '),
    });
  }
  // Messages go out in the order their first events happened (an `up` then a new `down`
  // of the same host must not arrive as "down" then "up"); reminders last.
  const first = (b: PlannedBatch) =>
    b.kind === 'reminder'
      ? Number.POSITIVE_INFINITY
      : b.events.reduce((m, e) => Math.min(m, e.id), Number.POSITIVE_INFINITY);
  plan.batches.sort((x, y) => first(x) - first(y));
  return plan;
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
