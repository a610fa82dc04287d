/**
 * Writing the monitor's changed host rows to the store, apart from the events (which are
 * recorded at once): a bounded number per interval, in transactions of {@link FLUSH_CHUNK}
 * rows, one after the other, and only while this monitor may write shared rows (HA: active).
 */

import type pino from 'pino';
import { FencedError, type Store, type StoredHost } from '../store/index.js';
import type { MonitorCore } from './core.js';
import type { HaControl } from './ha/ports.js';

/** Host rows per write transaction during a flush (~10-20 ms of work between yields). */
export const FLUSH_CHUNK = 1000;

/** What the flusher writes from and through. */
export interface HostFlushDeps {
  core: MonitorCore;
  hosts: Store['hosts'];
  ha: HaControl | undefined;
  /** Most host rows written per flush (default 20,000); the rest wait their turn. */
  maxRows: number | undefined;
  /** False once the service stops (a flush in progress ends after its transaction). */
  running: () => boolean;
  log: pino.Logger;
}

/** Flushes changed host rows; counts failed transactions (rows requeued). */
export class HostFlusher {
  /** Failed host-row transactions (the rows were requeued). */
  errors = 0;
  private flushing: Promise<void> | undefined;

  constructor(private readonly d: HostFlushDeps) {}

  /**
   * At most `maxRows` changed rows (rows are deduplicated per host, so a huge fleet is written
   * round-robin at a bounded share of CPU), chunk by chunk (the event loop runs UDP reads and
   * ticks between them). Returns the flush in progress (a new one only when none is); nothing
   * while a standby.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.d.ha && this.d.ha.fence() === undefined) return Promise.resolve(); // standby
    const run = async () => {
      let budget = this.d.maxRows ?? 20_000;
      while (this.d.running() && budget > 0 && this.d.core.dirtyCount > 0) {
        const n = Math.min(FLUSH_CHUNK, budget);
        budget -= n;
        if (!(await this.writeChunk(n))) return;
      }
    };
    const p = run().finally(() => {
      this.flushing = undefined;
    });
    this.flushing = p;
    return p;
  }

  /** The flush in flight, if any. */
  get inFlight(): Promise<void> | undefined {
    return this.flushing;
  }

  /**
   * Everything left, in chunks, until done or the store refuses (stop(): then the rows are
   * lost with the process; the next run's beats catch them up).
   */
  async drain(): Promise<void> {
    while (this.d.core.dirtyCount > 0 && (await this.writeChunk(Number.POSITIVE_INFINITY))) {}
  }

  /** One transaction of at most `max` changed hosts; false when it failed (rows requeued). */
  private async writeChunk(max: number): Promise<boolean> {
    const { core, ha } = this.d;
    const fence = ha?.fence();
    if (ha && fence === undefined) return false; // only the active writes shared host rows
    const idx = core.takeDirty(max);
    if (idx.length === 0) return false;
    const rows: StoredHost[] = idx.map((i) => core.reg.snapshot(i));
    try {
      await this.d.hosts.save(rows, fence);
      return true;
    } catch (err) {
      core.requeueDirty(idx);
      if (err instanceof FencedError) {
        ha?.noteFenced(err.mine);
        return false;
      }
      this.errors++;
      this.d.log.error(
        { err: (err as Error).message, hosts: rows.length },
        'cannot save host state; will retry',
      );
      return false;
    }
  }
}
