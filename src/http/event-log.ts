import type { EventType, HostEvent } from '../monitor/types.js';
import type { Db } from '../store/db.js';
import { listEvents } from '../store/events.js';

/** What the HTTP layer asks of the event store. */
export interface EventQuery {
  limit: number;
  /** Only events with id < beforeId (paging backwards). */
  beforeId?: number;
  /** Only events with id > afterId (SSE catch-up). */
  afterId?: number;
  hostId?: string;
  types?: EventType[];
  /** Only events at or after this time (ms epoch). */
  since?: number;
  /** Only events before this time (ms epoch). */
  until?: number;
}

/** Reads the persisted event log. Results are always newest first (highest id first). */
export interface EventLog {
  list(q: EventQuery): HostEvent[];
}

/** The SQLite event log (src/store/events.ts) as an {@link EventLog}. */
export function storeEventLog(db: Db): EventLog {
  return { list: (q) => listEvents(db, q) };
}
