/**
 * The exactly-once audit of an HA run: the event log read from the store and the webhook
 * deliveries, checked for missed and false `down`s, repeated transitions, `new` for known
 * hosts and events delivered twice or never.
 */
import type { HostEvent } from '../../src/monitor/types.js';
import type { Delivery } from './ha-monitor.js';

/** The problems in a run's record; every count must be 0 for a correct run. */
export interface Audit {
  /** Hosts that should have a `down` and have none. */
  missedDowns: string[];
  /** A host with two events of one transition in a row (two `down` with no `up` between, ...). */
  duplicateEvents: string[];
  /** One event id delivered in two different batches (a receiver cannot drop it by id). */
  duplicateDeliveries: number[];
  /** The same batch id delivered more than once (the documented at-least-once window). */
  repeatedBatches: string[];
  /** `new` for a host that already had one. */
  newForKnown: string[];
  /** `down` for a host that never stopped beating. */
  falseDowns: string[];
  /** Events of `down`/`new`/`up` never delivered. */
  undelivered: number[];
}

/**
 * Audits the event log and deliveries: `dead` hosts must have exactly one `down` (since
 * `sinceId`), `alive` hosts none; no host is `new` twice, no transition recorded twice in a
 * row, every delivered event id in one batch id only, every notified event delivered.
 */
export function audit(
  events: readonly HostEvent[],
  deliveries: readonly Delivery[],
  hosts: { dead: readonly string[]; alive: readonly string[] },
): Audit {
  const a: Audit = {
    missedDowns: [],
    duplicateEvents: [],
    duplicateDeliveries: [],
    repeatedBatches: [],
    newForKnown: [],
    falseDowns: [],
    undelivered: [],
  };
  const byHost = new Map<string, HostEvent[]>();
  for (const e of events) {
    if (e.hostId === '') continue;
    const list = byHost.get(e.hostId) ?? [];
    list.push(e);
    byHost.set(e.hostId, list);
  }
  for (const [host, list] of byHost) {
    if (list.filter((e) => e.type === 'new').length > 1) a.newForKnown.push(host);
    const states = list.filter((e) => e.type === 'down' || e.type === 'up' || e.type === 'new');
    for (let i = 1; i < states.length; i++) {
      const prev = (states[i - 1] as HostEvent).type;
      const cur = (states[i] as HostEvent).type;
      if (cur === prev && cur !== 'new')
        a.duplicateEvents.push(`${host}:${cur}#${(states[i] as HostEvent).id}`);
    }
  }
  for (const h of hosts.dead) {
    const downs = (byHost.get(h) ?? []).filter((e) => e.type === 'down');
    if (downs.length === 0) a.missedDowns.push(h);
  }
  for (const h of hosts.alive) {
    if ((byHost.get(h) ?? []).some((e) => e.type === 'down')) a.falseDowns.push(h);
  }
  const batchOf = new Map<number, string>();
  const seenBatch = new Set<string>();
  for (const d of deliveries) {
    if (seenBatch.has(d.batchId)) a.repeatedBatches.push(d.batchId);
    seenBatch.add(d.batchId);
    for (const e of d.events) {
      const b = batchOf.get(e.id);
      if (b !== undefined && b !== d.batchId) a.duplicateDeliveries.push(e.id);
      batchOf.set(e.id, d.batchId);
    }
  }
  for (const e of events) {
    if ((e.type === 'down' || e.type === 'up' || e.type === 'new') && !batchOf.has(e.id))
      a.undelivered.push(e.id);
  }
  return a;
}

/** The number of problems an audit found that break exactly-once (repeats of a batch id excluded). */
export function auditFailures(a: Audit): number {
  return (
    a.missedDowns.length +
    a.duplicateEvents.length +
    a.duplicateDeliveries.length +
    a.newForKnown.length +
    a.falseDowns.length +
    a.undelivered.length
  );
}
