import type pino from 'pino';
import type { EventStore } from '../store/index.js';
import type { HostEvent } from './types.js';

/** Events read per catch-up query. */
const PAGE = 1_000;

export interface StoreFollowerOptions {
  events: Pick<EventStore, 'watch' | 'list' | 'lastId'>;
  /** True while this monitor does not record events itself (a standby). */
  following: () => boolean;
  /** Hands on events another monitor recorded, oldest first. */
  publish: (events: readonly HostEvent[]) => void;
  logger: pino.Logger;
}

/**
 * A standby's live view of the event log: hears every commit's newest id through
 * `store.events.watch()` (PostgreSQL `LISTEN/NOTIFY`) and, while {@link
 * StoreFollowerOptions.following}, reads the events after the last one it has seen and
 * publishes them (SSE, the dashboard). It keeps a cursor, so a notice missed while the
 * listening connection reconnected is caught up by the next one. The active monitor's own
 * events move the cursor through {@link seen}, so it never publishes an event twice.
 */
export class StoreFollower {
  private cursor = 0;
  private stopWatch: (() => Promise<void>) | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly opts: StoreFollowerOptions) {}

  /** Starts listening from the log's current end (history is not news). */
  async start(): Promise<void> {
    this.cursor = Math.max(this.cursor, await this.opts.events.lastId());
    this.stopWatch = await this.opts.events.watch((lastId) => this.notice(lastId));
  }

  async stop(): Promise<void> {
    const s = this.stopWatch;
    this.stopWatch = undefined;
    await s?.();
    await this.reading;
  }

  /** An event this monitor published itself (recorded, or read here). */
  seen(id: number): void {
    if (id > this.cursor) this.cursor = id;
  }

  private notice(lastId: number): void {
    if (lastId <= this.cursor || !this.opts.following()) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.catchUp(lastId).finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.notice(Number.POSITIVE_INFINITY);
      }
    });
  }

  private async catchUp(upTo: number): Promise<void> {
    try {
      const end = Number.isFinite(upTo) ? upTo : await this.opts.events.lastId();
      // Pages by id range, oldest first (the list is newest first; ids may have gaps).
      let from = this.cursor;
      while (from < end && this.opts.following()) {
        const page = await this.opts.events.list({ afterId: from, beforeId: from + PAGE + 1, limit: PAGE });
        const fresh = page.reverse().filter((e) => e.id > this.cursor);
        if (fresh.length > 0) this.opts.publish(fresh);
        from += PAGE;
      }
    } catch (err) {
      this.opts.logger.warn(
        { err: (err as Error).message },
        'standby: cannot read new events from the store',
      );
    }
  }
}
