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

/** A host's state as far as the down/up/left transitions go. */
const STATE_OF: Partial<Record<NewEvent['type'], HostState>> = { down: 'down', up: 'up', left: 'left' };

/**
 * Filters the events a monitor found while it held no lease (a store outage, or before its
 * first lease answer), in order, down to those still true when it holds the lease again:
 * the state changes (`down`/`up`/`left`) of a host whose state here now equals its last
 * recorded state are dropped (it went down and came back meanwhile: nobody is paged for an
 * outage that is over), and so are changes that repeat the state already reached; a `new`
 * is dropped for a host the store knows. Everything else (checks, monitor-wide events) is
 * kept in order. Returns the events to record and each host's state after them, for
 * {@link takeoverEvents} to add what the queue lacks (events dropped from a full queue).
 */
export function pendingStillTrue<E extends NewEvent>(
  queued: readonly E[],
  recorded: (hostId: string) => HostState | undefined,
  current: (hostId: string) => HostState | undefined,
): { events: E[]; after: Map<string, HostState> } {
  const after = new Map<string, HostState>();
  const events: E[] = [];
  for (const e of queued) {
    if (e.hostId === '') {
      events.push(e);
      continue;
    }
    const was = after.get(e.hostId) ?? recorded(e.hostId);
    if (e.type === 'new') {
      if (was !== undefined) continue;
      after.set(e.hostId, 'up');
      events.push(e);
      continue;
    }
    const to = STATE_OF[e.type];
    if (to === undefined) {
      if (was !== undefined) events.push(e); // a check of a host the log knows
      continue;
    }
    const now = current(e.hostId);
    if (now !== undefined && now === recorded(e.hostId)) continue; // over already
    if (to === was) continue;
    after.set(e.hostId, to);
    events.push(e);
  }
  return { events, after };
}
