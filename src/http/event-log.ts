import type { EventType, HostEvent } from '../monitor/types.js';
import type { Db } from '../store/db.js';

/** What the HTTP layer asks of the event store. */
export interface EventQuery {
  limit: number;
  /** Only events with id < beforeId (paging backwards, newest first). */
  beforeId?: number;
  /** Only events with id > afterId (SSE catch-up, oldest first). */
  afterId?: number;
  hostId?: string;
  types?: EventType[];
}

/** Reads the persisted event log. Results are always returned newest first. */
export interface EventLog {
  list(q: EventQuery): HostEvent[];
}

type ListEvents = (db: Db, q: EventQuery) => HostEvent[];

let storeListEvents: ListEvents | undefined;

/**
 * Loads `listEvents` from src/store/events.ts. It is loaded once at server start rather than
 * imported statically so the HTTP layer does not fix the store module's load order.
 */
export async function loadStoreEventLog(db: Db): Promise<EventLog> {
  if (!storeListEvents) {
    const spec = '../store/events.js';
    const mod = (await import(spec)) as { listEvents: ListEvents };
    storeListEvents = mod.listEvents;
  }
  const fn = storeListEvents;
  return {
    list: (q) =>
      fn(db, q)
        .slice()
        .sort((a, b) => b.id - a.id),
  };
}
