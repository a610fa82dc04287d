/**
 * What the dispatcher hands the pure grouping planner for one notifier's claimed rows: the
 * {@link PlanContext} over the live monitor, the silences read just before the claim and the
 * notifier's open alerts as the claim's transaction found them.
 */

import type { HostView } from '../monitor/types.js';
import type { Dependencies } from './dependencies.js';
import type { GroupPlan, OutboxItem, PlanContext } from './grouping.js';
import type { SilenceMatcher } from './silences.js';

/** The parts of the dispatcher's dependencies a plan reads. */
export interface PlanWorld {
  timing: { maxListed: number };
  world: { host(id: string): HostView | undefined };
  dependencies: Dependencies;
}

/** The planner's view at `now`; `open` holds `${hostId}\u0000${key}` of open alerts. */
export function planContext(
  deps: PlanWorld,
  now: number,
  open: ReadonlySet<string>,
  silences: SilenceMatcher,
): PlanContext {
  const { timing, world, dependencies } = deps;
  return {
    now,
    maxListed: timing.maxListed,
    silenced: (hostId, at) => {
      const s = silences.find(hostId, at);
      return s ? `silence ${s.id}${s.comment ? `: ${s.comment}` : ''}` : undefined;
    },
    host: (id) => world.host(id),
    stillFailing: (hostId, key) => {
      if (key === 'network') return true;
      const h = world.host(hostId);
      if (!h) return false;
      if (key === 'down') return h.state === 'down';
      const checkId = key.slice('check:'.length);
      return h.checks.some((c) => c.id === checkId && c.severity > 0);
    },
    parentOf: (hostId, labels) => dependencies.parentOf(hostId, labels),
    isOpen: (hostId, key) => open.has(`${hostId}\u0000${key}`),
  };
}

/** Rows of a notifier no longer configured: every one suppressed, nothing sent. */
export function unknownNotifierPlan(items: readonly OutboxItem[]): GroupPlan {
  return {
    suppressed: items.map((i) => ({ rowId: i.rowId, reason: 'unknown-notifier' as const })),
    batches: [],
    open: [],
    close: [],
    rewrites: [],
  };
}
