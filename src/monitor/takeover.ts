/**
 * What a monitor that just became active records before any newer event (pure): the events
 * queued while no lease was held that are still true ({@link pendingStillTrue}), then one
 * `down`/`up` per host whose recorded state differs from the live one ({@link takeoverEvents}:
 * a `new` only for a host the store never recorded), all with their transition keys, so
 * nothing the old leader recorded is recorded twice; and the rows of the hosts they touch.
 */

import type { NewStoreEvent, StoredHost } from '../store/index.js';
import type { MonitorCore } from './core.js';
import { pendingStillTrue, takeoverEvents } from './ha/reconcile.js';
import { keyed } from './pending-events.js';
import type { HostState } from './types.js';

/** The takeover's write: events (kept pending first, then reconciled), their hosts' rows, and counts for the log. */
export interface TakeoverBatch {
  events: NewStoreEvent[];
  hosts: StoredHost[];
  /** How many of the queued events were still true. */
  kept: number;
  /** How many events came from the live state. */
  reconciled: number;
}

/** The takeover batch from the queued events, the store's recorded host states and the live core at `now`. */
export function takeoverBatch(
  queued: readonly NewStoreEvent[],
  stored: ReadonlyMap<string, HostState>,
  core: MonitorCore,
  now: number,
): TakeoverBatch {
  const current = (id: string) => core.host(id)?.state;
  const kept = pendingStillTrue(queued, (id) => stored.get(id), current);
  const recorded = (id: string) => kept.after.get(id) ?? stored.get(id);
  const extra = takeoverEvents(core.hosts(), recorded, now);
  const events: NewStoreEvent[] = [...kept.events, ...keyed(extra)];
  const touched = new Set(events.map((e) => e.hostId).filter((id) => id !== ''));
  const hosts = [...touched]
    .map((id) => core.reg.find(id))
    .filter((i) => i >= 0)
    .map((i) => core.reg.snapshot(i));
  return { events, hosts, kept: kept.events.length, reconciled: extra.length };
}
