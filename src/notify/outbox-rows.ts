/**
 * The outbox rows for freshly recorded events (pure): one per (event, routed notifier),
 * ready at once, or, for a `down` with `alert_after`, once that many beat intervals passed
 * since the host's last beat. The {@link Dispatcher}'s `rows` hook, run by the store inside
 * the events' transaction.
 */

import type { HostEvent, HostView } from '../monitor/types.js';
import type { NewOutboxRow } from '../store/index.js';
import type { Router } from './routes.js';

/** A host's own `alert_after=N` agent label (a whole number), overriding routes and defaults. */
function alertAfterLabel(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,4}$/.test(v) ? Number(v) : undefined;
}

/** The rows for `events` at `now`, routed by `router`, hosts read through `host`. */
export function outboxRows(
  events: readonly HostEvent[],
  now: number,
  router: Router,
  host: (id: string) => HostView | undefined,
): NewOutboxRow[] {
  const out: NewOutboxRow[] = [];
  for (const e of events) {
    const h = e.hostId === '' ? undefined : host(e.hostId);
    const perHost = alertAfterLabel(h?.labels.alert_after);
    for (const t of router.targets(e, h?.labels ?? {})) {
      let readyAt = now;
      const alertAfter = perHost ?? t.alertAfter;
      if (e.type === 'down' && alertAfter > 0 && h) {
        // Soft state: page only once N intervals passed since the last beat.
        readyAt = Math.max(now, h.lastBeatAt + alertAfter * h.intervalMs);
      }
      out.push({ event: e, notifier: t.notifier, reminder: 0, createdAt: now, readyAt });
    }
  }
  return out;
}
