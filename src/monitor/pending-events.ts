/**
 * The events the monitor took from its core but has not recorded yet: a write's in flight
 * elsewhere, the store refused one (retried with everything pending, in order), or no lease
 * is held. Bounded: beyond `max` the oldest are dropped and counted (a takeover's
 * reconciliation still brings each host's recorded state right).
 */

import type pino from 'pino';
import type { NewStoreEvent } from '../store/index.js';
import type { NewEvent } from './types.js';

/** Default bound of the queue of events waiting to be recorded. */
export const DEFAULT_MAX_PENDING_EVENTS = 10_000;

/**
 * A key unique per host transition (`web-1:down:1712345678000`, a check's id appended), so
 * recording the same transition twice (a retry, a monitor taking over) stores it once.
 */
export function transitionKey(e: NewEvent): string {
  const base = `${e.hostId}:${e.type}:${e.at}`;
  return e.type === 'check' && typeof e.details.id === 'string' ? `${base}:${e.details.id}` : base;
}

/** Core events with their transition keys, ready for `store.events.record`. */
export function keyed(events: readonly NewEvent[]): NewStoreEvent[] {
  return events.map((e) => ({ ...e, transitionKey: transitionKey(e) }));
}

/** The bounded, ordered queue of events waiting to be recorded. */
export class PendingEvents {
  private items: NewStoreEvent[] = [];
  /** Events dropped (oldest first) because the queue was full. */
  dropped = 0;
  private dropLogged = false;

  constructor(
    readonly max: number,
    private readonly log: pino.Logger,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Adds events at the end, keeping at most `max` (the oldest dropped, counted, logged once per overflow). */
  push(events: readonly NewStoreEvent[]): void {
    if (events.length === 0) return;
    this.items.push(...events);
    const over = this.items.length - this.max;
    if (over <= 0) {
      this.dropLogged = false;
      return;
    }
    this.items.splice(0, over);
    this.dropped += over;
    if (!this.dropLogged) {
      this.dropLogged = true;
      this.log.error(
        { max: this.max, dropped: this.dropped },
        `pending events exceed ${this.max} while the store cannot take them; dropping the oldest (thump_events_dropped_total)`,
      );
    }
  }

  /** Takes every pending event, oldest first, leaving the queue empty. */
  take(): NewStoreEvent[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  /** A write of `events` failed: they go back before anything taken meanwhile (bounded). */
  retry(events: readonly NewStoreEvent[]): void {
    const later = this.take();
    this.push([...events, ...later]);
  }

  /** Puts `events` back in front as they were (a takeover that could not finish; not bounded again). */
  restore(events: readonly NewStoreEvent[]): void {
    this.items = [...events, ...this.items];
  }
}
