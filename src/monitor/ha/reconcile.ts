import type { HostSource, HostState, NewEvent } from '../types.js';

/** What a takeover compares per host: the new active's live view (a `HostView` fits). */
export interface TakeoverHost {
  id: string;
  source: HostSource;
  address: string;
  firstSeenAt: number;
  state: HostState;
  stateSince: number;
  lastBeatAt: number;
  timeoutMs: number;
}

/**
 * The events a monitor records when it becomes active, so the store's log agrees with what
 * its core (warm as a standby) found meanwhile: a host down here whose last recorded state is
 * `up` gets its `down` (at the time it went down here), one up here whose last recorded state
 * is `down` gets its `up`. A standby's own events were never recorded, and the old leader may
 * have died before recording its own, so without this a host that died during the gap would
 * never get its `down`. A host the store never recorded (first heard while no monitor was
 * active) gets its `new` first, then its `down` if it is down here.
 * Record these with the store's per-transition idempotency, so a transition the old leader
 * did record is not recorded twice. O(fleet) once per takeover.
 */
export function takeoverEvents(
  hosts: Iterable<TakeoverHost>,
  recorded: (hostId: string) => HostState | undefined,
  now: number,
): NewEvent[] {
  const out: NewEvent[] = [];
  for (const h of hosts) {
    let was = recorded(h.id);
    if (was === undefined) {
      out.push({
        type: 'new',
        hostId: h.id,
        at: h.firstSeenAt,
        details: { source: h.source, address: h.address, takeover: true },
      });
      was = 'up';
    }
    if (was === h.state) continue;
    if (h.state === 'down' && was === 'up') {
      out.push({
        type: 'down',
        hostId: h.id,
        at: h.stateSince,
        details: { lastBeatAt: h.lastBeatAt, timeoutMs: h.timeoutMs, noticedAt: now, takeover: true },
      });
    } else if (h.state === 'up' && was === 'down') {
      out.push({ type: 'up', hostId: h.id, at: h.stateSince, details: { previous: 'down', takeover: true } });
    }
  }
  return out;
}
