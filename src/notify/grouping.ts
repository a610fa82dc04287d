import type { HostEvent, HostState } from '../monitor/types.js';
import { checkSeverity, summarize } from './batch-text.js';
import type { NotificationBatch } from './types.js';

export { checkSeverity, listHosts, summarize } from './batch-text.js';

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
  | 'not-failing'
  /** The row's notifier is no longer configured. */
  | 'unknown-notifier';

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

/** An alert (host, key) as the group so far has left it. */
interface OpenState {
  /** The row that opens it in this group, if one does. */
  item?: OutboxItem;
  /** Whether it was open before this row (sent earlier, or earlier in the group). */
  previously: boolean;
}

/** What the rules have decided so far for one group; the rules read and extend it. */
interface Planning {
  ctx: PlanContext;
  plan: GroupPlan;
  /** Rows that will be sent, by row id. */
  included: Map<number, OutboxItem>;
  openNow: Map<string, OpenState>;
  /** Parent host -> children whose `down` it stands for. */
  dependents: Map<string, string[]>;
  flappingInGroup: Set<string>;
  downInGroup: Set<string>;
  reminders: OutboxItem[];
  /** `flapping-stopped` rows of hosts that are down now (they are the page for the down). */
  stillDown: Set<number>;
}

/** One row as a rule sees it. */
interface Row {
  item: OutboxItem;
  e: HostEvent;
  role: EventRole;
  host: ReturnType<PlanContext['host']>;
}

/** A grouping rule: decides the row and returns true, or returns false to pass it on. */
type Rule = (p: Planning, r: Row) => boolean;

function suppress(p: Planning, item: OutboxItem, reason: SuppressReason, detail?: string): void {
  p.plan.suppressed.push(
    detail === undefined ? { rowId: item.rowId, reason } : { rowId: item.rowId, reason, detail },
  );
}

/** Open for this notifier, counting what this group has opened and closed so far. */
function isOpen(p: Planning, hostId: string, key: string): boolean {
  const o = p.openNow.get(k(hostId, key));
  return o ? o.item !== undefined || o.previously : p.ctx.isOpen(hostId, key);
}

/** Reminders go out only while the problem is open, failing, not silenced, not flapping. */
const reminderRule: Rule = (p, { item, e, role, host }) => {
  if (item.reminder === 0) return false;
  // A `flapping-stopped` page of a host that was down stands for its `down`.
  const key = role.role === 'problem' ? role.key : e.type === 'flapping-stopped' ? 'down' : undefined;
  if (key === undefined || !isOpen(p, e.hostId, key)) suppress(p, item, 'not-notified');
  else if (!p.ctx.stillFailing(e.hostId, key)) suppress(p, item, 'not-failing');
  else if (p.ctx.silenced(e.hostId, p.ctx.now)) suppress(p, item, 'silenced');
  else if (key === 'down' && host?.flapping) suppress(p, item, 'flapping');
  else p.reminders.push(item);
  return true;
};

/**
 * A resolution is sent only if its problem was sent (even when silenced or flapping now);
 * a problem and its resolution in one group cancel out.
 */
const resolutionRule: Rule = (p, { item, e, role }) => {
  if (role.role !== 'resolution') return false;
  const id = k(e.hostId, role.key);
  const o = p.openNow.get(id) ?? { previously: p.ctx.isOpen(e.hostId, role.key) };
  if (o.item) {
    // Problem and resolution in one group: neither is worth a page.
    p.included.delete(o.item.rowId);
    suppress(p, o.item, 'resolved-in-group');
    suppress(p, item, 'resolved-in-group');
    p.openNow.set(id, { previously: false });
  } else if (o.previously) {
    p.included.set(item.rowId, item);
    p.plan.close.push({ hostId: e.hostId, key: role.key });
    p.openNow.set(id, { previously: false });
  } else {
    suppress(p, item, 'not-notified');
  }
  return true;
};

/** Problems and info events of a host silenced when they happened, or now. */
const silencedRule: Rule = (p, { item, e }) => {
  const silence = p.ctx.silenced(e.hostId, e.at) ?? p.ctx.silenced(e.hostId, p.ctx.now);
  if (silence === undefined) return false;
  suppress(p, item, 'silenced', silence);
  return true;
};

/** Info events are sent; `flapping-stopped` of a host that is down is its `down` page. */
const infoRule: Rule = (p, { item, e, role, host }) => {
  if (role.role !== 'info') return false;
  p.included.set(item.rowId, item);
  if (e.type === 'flapping-stopped' && host?.state === 'down' && !isOpen(p, e.hostId, 'down')) {
    // Its downs were not paged while it flapped; it is down now, so this is the page.
    p.openNow.set(k(e.hostId, 'down'), { item, previously: false });
    p.stillDown.add(item.rowId);
  }
  return true;
};

/** `down` of a flapping host: the `flapping` event is sent instead. */
const flappingDownRule: Rule = (p, { item, e, host }) => {
  if (e.type !== 'down' || !(host?.flapping || p.flappingInGroup.has(e.hostId))) return false;
  suppress(p, item, 'flapping');
  return true;
};

/** `down` whose parent is down: counted in the parent's message instead. */
const parentDownRule: Rule = (p, { item, e, host }) => {
  if (e.type !== 'down') return false;
  const parent = p.ctx.parentOf(e.hostId, host?.labels ?? {});
  if (parent === undefined || !(p.ctx.host(parent)?.state === 'down' || p.downInGroup.has(parent)))
    return false;
  suppress(p, item, 'parent-down', parent);
  const list = p.dependents.get(parent) ?? [];
  list.push(e.hostId);
  p.dependents.set(parent, list);
  return true;
};

/** A `down` held back by `alert_after` whose host recovered meanwhile. */
const recoveredRule: Rule = (p, { item, e, host }) => {
  if (e.type !== 'down' || !(item.readyAt > e.at && host !== undefined && host.state !== 'down'))
    return false;
  suppress(p, item, 'recovered');
  return true;
};

/** Any other problem is sent and opens its alert; an escalation replaces the earlier row. */
const problemRule: Rule = (p, { item, e, role }) => {
  if (role.role !== 'problem') return false;
  const id = k(e.hostId, role.key);
  const prev = p.openNow.get(id);
  if (prev?.item) p.included.delete(prev.item.rowId); // an escalation replaces the earlier row
  p.openNow.set(id, { item, previously: prev?.previously ?? p.ctx.isOpen(e.hostId, role.key) });
  p.included.set(item.rowId, item);
  return true;
};

/** The rules in the order they are asked; the first that decides a row wins. */
const RULES: readonly Rule[] = [
  reminderRule,
  resolutionRule,
  silencedRule,
  infoRule,
  flappingDownRule,
  parentDownRule,
  recoveredRule,
  problemRule,
];

/**
 * Plans one group of rows for one notifier: each row, oldest first, goes through {@link RULES}
 * (reminders; resolutions, sent only after their problem; silences; info events; flapping,
 * parent-down and recovered `down`s; other problems), then the rows that survived become at
 * most one alert, one resolved and one reminder batch, in the order their events happened.
 * "Resolved always follows a notified alert": a resolution is judged before silences.
 */
export function planGroup(items: readonly OutboxItem[], ctx: PlanContext): GroupPlan {
  const sorted = [...items].sort((a, b) => a.event.id - b.event.id || a.reminder - b.reminder);
  const hostsWith = (type: string) =>
    new Set(sorted.filter((i) => i.event.type === type).map((i) => i.event.hostId));
  const p: Planning = {
    ctx,
    plan: { suppressed: [], batches: [], open: [], close: [], rewrites: [] },
    included: new Map(),
    openNow: new Map(),
    dependents: new Map(),
    flappingInGroup: hostsWith('flapping'),
    downInGroup: hostsWith('down'),
    reminders: [],
    stillDown: new Set(),
  };
  for (const item of sorted) {
    const row: Row = { item, e: item.event, role: classify(item.event), host: ctx.host(item.event.hostId) };
    for (const rule of RULES) if (rule(p, row)) break;
  }
  recordOpened(p);
  const { alerts, resolved, folded } = partition(p, sorted);
  if (alerts.length > 0) p.plan.batches.push(alertBatch(p, alerts, folded));
  if (resolved.length > 0) p.plan.batches.push(plainBatch('resolved', resolved, ctx.maxListed, ''));
  if (p.reminders.length > 0)
    p.plan.batches.push(plainBatch('reminder', p.reminders, ctx.maxListed, 'still: '));
  orderBatches(p.plan.batches);
  return p.plan;
}

/** Alerts opened by a row that is being sent. */
function recordOpened(p: Planning): void {
  for (const [id, o] of p.openNow) {
    if (!o.item) continue;
    if (!p.included.has(o.item.rowId)) continue;
    const [hostId, key] = id.split('\u0000') as [string, string];
    p.plan.open.push({ hostId, key, eventId: o.item.event.id });
  }
}

/**
 * The sent event rows split into alerts and resolutions, plus the rows replaced by an
 * escalation within the group (folded into the newer one's batch, or suppressed when no
 * alert is sent).
 */
function partition(
  p: Planning,
  sorted: readonly OutboxItem[],
): { alerts: OutboxItem[]; resolved: OutboxItem[]; folded: number[] } {
  const alerts: OutboxItem[] = [];
  const resolved: OutboxItem[] = [];
  const folded: number[] = [];
  const suppressedIds = new Set(p.plan.suppressed.map((x) => x.rowId));
  for (const item of sorted) {
    if (item.reminder > 0) continue;
    if (p.included.has(item.rowId)) {
      (classify(item.event).role === 'resolution' ? resolved : alerts).push(item);
    } else if (!suppressedIds.has(item.rowId)) {
      folded.push(item.rowId);
    }
  }
  if (alerts.length === 0) {
    for (const rowId of folded) p.plan.suppressed.push({ rowId, reason: 'resolved-in-group' });
    folded.length = 0;
  }
  return { alerts, resolved, folded };
}

/** The alert batch: parents carry their `dependents`, a still-down `flapping-stopped` says so. */
function alertBatch(p: Planning, alerts: readonly OutboxItem[], folded: readonly number[]): PlannedBatch {
  const events = alerts.map((i) => {
    const kids = i.event.type === 'down' ? p.dependents.get(i.event.hostId) : undefined;
    if (!kids && !p.stillDown.has(i.rowId)) return i.event;
    const extraDetails = kids ? { dependents: kids } : { stillDown: true };
    const event = { ...i.event, details: { ...i.event.details, ...extraDetails } };
    p.plan.rewrites.push({ rowId: i.rowId, event });
    return event;
  });
  // Children whose parent's own `down` is not in this batch still get one summary line.
  const extra = [...p.dependents].filter(
    ([parent]) => !alerts.some((i) => i.event.type === 'down' && i.event.hostId === parent),
  );
  return {
    kind: 'alert',
    rowIds: [...alerts.map((i) => i.rowId), ...folded],
    events,
    ...summarize(events, p.ctx.maxListed, '', extra),
  };
}

function plainBatch(
  kind: 'resolved' | 'reminder',
  items: readonly OutboxItem[],
  maxListed: number,
  prefix: string,
): PlannedBatch {
  const events = items.map((i) => i.event);
  return { kind, rowIds: items.map((i) => i.rowId), events, ...summarize(events, maxListed, prefix) };
}

/**
 * Messages go out in the order their first events happened (an `up` then a new `down` of
 * the same host must not arrive as "down" then "up"); reminders last.
 */
function orderBatches(batches: PlannedBatch[]): void {
  const first = (b: PlannedBatch) =>
    b.kind === 'reminder'
      ? Number.POSITIVE_INFINITY
      : b.events.reduce((m, e) => Math.min(m, e.id), Number.POSITIVE_INFINITY);
  batches.sort((x, y) => first(x) - first(y));
}
