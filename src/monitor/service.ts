import type pino from 'pino';
import type { Keyring } from '../protocol/index.js';
import type { NewStoreEvent, Store, StoredHost } from '../store/index.js';
import type { Clock } from '../util/clock.js';
import { type CoreOptions, MonitorCore } from './core.js';
import { EventLoopLagMonitor } from './event-loop-lag.js';
import { createIngest, type RejectSummary } from './ingest.js';
import { formatListen, type UdpListen } from './listen.js';
import { describeEvent, eventLevel } from './log.js';
import { type ReceiverKind, UdpReceiver } from './receiver.js';
import { SteadyClock } from './steady-clock.js';
import type {
  HistogramSnapshot,
  HostEvent,
  HostView,
  MonitorHealth,
  MonitorStats,
  MonitorView,
  NewEvent,
} from './types.js';

/** Host rows per write transaction during a flush (~10-20 ms of work between yields). */
const FLUSH_CHUNK = 1000;

export interface MonitorOptions {
  /** Where hosts and events persist (SQLite file or PostgreSQL, see docs/store.md). */
  store: Store;
  keyring: Keyring;
  listen: readonly UdpListen[];
  multicast?: readonly string[];
  recvBufferBytes?: number;
  /** UDP socket implementation (default `auto`: the native batched receiver when built). */
  receiver?: ReceiverKind;
  legacy?: boolean;
  maxSkewMs?: number;
  /** How often changed host rows are written (events are written at once). */
  flushIntervalMs?: number;
  /** Most host rows written per flush interval (default 20,000); the rest wait their turn. */
  flushMaxRows?: number;
  core?: Partial<CoreOptions>;
  logger: pino.Logger;
  clock?: Clock;
}

/**
 * A key unique per host transition (`web-1:down:1712345678000`, a check's id appended), so
 * recording the same transition twice (a retry, a monitor taking over) stores it once.
 */
export function transitionKey(e: NewEvent): string {
  const base = `${e.hostId}:${e.type}:${e.at}`;
  return e.type === 'check' && typeof e.details.id === 'string' ? `${base}:${e.details.id}` : base;
}

/**
 * The running monitor service: UDP receiver -> ingest -> core; a timer that advances the
 * detector at every slot; events recorded in the {@link Store} at once (in the same
 * transaction as the affected hosts' rows and the notify pipeline's outbox rows), then
 * logged and published to subscribers; other host changes flushed in batches. Store writes
 * are asynchronous and never awaited on the beat path: at most one event write is in flight,
 * events taken meanwhile wait for the next one, and a failed write is retried with them.
 * Implements {@link MonitorView}.
 */
export class MonitorService implements MonitorView {
  readonly core: MonitorCore;
  private readonly receiver: UdpReceiver;
  private readonly clock: Clock;
  private readonly log: pino.Logger;
  private readonly listeners = new Set<(e: HostEvent) => void>();
  private readonly ingest: ReturnType<typeof createIngest>;
  private tickTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private persistScheduled = false;
  /** Events taken from the core but not yet committed (a failed write's, or waiting for one). */
  private unsaved: NewStoreEvent[] = [];
  /** The event write in flight, if any (one at a time keeps the log in order). */
  private recording: Promise<void> | undefined;
  /** How many events the write in flight carries. */
  private recordingCount = 0;
  /** The host-row flush in flight, if any. */
  private flushing: Promise<void> | undefined;
  private running = false;
  private readonly lag = new EventLoopLagMonitor();
  private readonly writeErrors = { events: 0, hosts: 0 };
  private lastEventWriteError: { at: number; message: string } | undefined;

  constructor(private readonly opts: MonitorOptions) {
    // Deadlines need a clock that does not jump when NTP corrects the system clock.
    this.clock = opts.clock ?? new SteadyClock();
    this.log = opts.logger;
    this.core = new MonitorCore(opts.core);
    this.ingest = createIngest(this.core, {
      keyring: opts.keyring,
      legacy: opts.legacy ?? false,
      maxSkewMs: opts.maxSkewMs ?? 300_000,
      warn: (s) => this.warnRejected(s),
    });
    this.receiver = new UdpReceiver({
      listen: opts.listen,
      multicast: opts.multicast ?? [],
      ...(opts.recvBufferBytes !== undefined ? { recvBufferBytes: opts.recvBufferBytes } : {}),
      ...(opts.receiver !== undefined ? { kind: opts.receiver } : {}),
      onMessage: (msg, ip, port) => {
        this.ingest.ingest(msg, ip, port, this.clock.now());
        this.schedulePersist();
      },
      onError: (err) => this.log.error({ err: err.message }, 'UDP socket error'),
    });
  }

  /** Addresses actually bound (real ports when 0 was asked for). */
  get udp(): UdpListen[] {
    return this.receiver.bound;
  }

  /** Restores known hosts (no `new` events, start-up grace), binds UDP, starts the timers. */
  async start(): Promise<void> {
    const stored = await this.opts.store.hosts.load();
    this.core.restore(stored, this.clock.now());
    await this.receiver.start();
    this.running = true;
    if (this.receiver.fallbackReason !== undefined) {
      this.log.info(`using node:dgram for UDP: ${this.receiver.fallbackReason}`);
    }
    const udp = this.receiver.bound.map((l) => formatListen(l));
    this.log.info(
      {
        udp,
        receiver: this.receiver.kind,
        recvBufferBytes: this.receiver.recvBufferSize(),
        restoredHosts: stored.length,
      },
      `monitor listening on UDP ${udp.join(', ')} (${this.receiver.kind} receiver); ${stored.length} known hosts restored`,
    );
    this.lag.start();
    this.scheduleTick();
    const every = this.opts.flushIntervalMs ?? 1000;
    this.flushTimer = setInterval(() => void this.flush(), every);
  }

  /** Stops receiving, records pending events, writes every changed host. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.tickTimer);
    clearInterval(this.flushTimer);
    this.lag.stop();
    await this.receiver.stop();
    await this.settle();
    await this.flushing;
    // Everything left, in chunks, until done or the store refuses (then the rows are lost
    // with the process; the events were retried above, the host rows are caught up by the
    // next run's beats).
    while (this.core.dirtyCount > 0 && (await this.writeChunk(Number.POSITIVE_INFINITY))) {}
  }

  /**
   * Records every event taken so far and waits for it (tests, stop()). Resolves even when
   * the store refuses (the events stay pending; see {@link health}).
   */
  async settle(): Promise<void> {
    this.persist();
    while (this.recording) await this.recording;
  }

  private scheduleTick(): void {
    if (!this.running) return;
    const delay = Math.max(1, this.core.nextTickAt() - this.clock.now());
    this.tickTimer = setTimeout(
      () => {
        this.core.tick(this.clock.now());
        this.persist();
        this.scheduleTick();
      },
      Math.min(delay, 1000),
    );
  }

  private schedulePersist(): void {
    if (this.persistScheduled) return;
    this.persistScheduled = true;
    // Batches the events of every datagram read in this I/O phase into one transaction.
    setImmediate(() => {
      this.persistScheduled = false;
      this.persist();
    });
  }

  /**
   * Starts recording pending events (with their hosts' rows and the hooks' outbox rows);
   * publishes them once committed. Never waits: with a write in flight the events queue for
   * the next one, which starts when that one settles.
   */
  private persist(): void {
    const fresh = this.core.takeEvents();
    for (const e of fresh) this.unsaved.push({ ...e, transitionKey: transitionKey(e) });
    if (this.recording || this.unsaved.length === 0) return;
    const events = this.unsaved;
    this.unsaved = [];
    this.recordingCount = events.length;
    const touched = new Set<number>();
    for (const e of events) {
      const i = e.hostId === '' ? -1 : this.core.reg.find(e.hostId);
      if (i >= 0) touched.add(i);
    }
    const hosts: StoredHost[] = [...touched].map((i) => this.core.reg.snapshot(i));
    this.recording = this.opts.store.events.record(events, { hosts }).then(
      (recorded) => {
        this.lastEventWriteError = undefined;
        this.recording = undefined;
        this.recordingCount = 0;
        this.publish(recorded);
        if (this.unsaved.length > 0) this.persist();
      },
      (err: unknown) => {
        // Kept in order before anything taken meanwhile; the next tick or datagram retries.
        this.unsaved = [...events, ...this.unsaved];
        this.recording = undefined;
        this.recordingCount = 0;
        this.writeErrors.events++;
        this.lastEventWriteError = { at: this.clock.now(), message: (err as Error).message };
        this.log.error(
          { err: (err as Error).message, pending: this.unsaved.length },
          'cannot record events; will retry',
        );
      },
    );
  }

  private publish(recorded: readonly HostEvent[]): void {
    for (const e of recorded) {
      this.log[eventLevel(e)](
        { event: e.type, host: e.hostId || undefined, id: e.id, at: e.at, ...e.details },
        describeEvent(e),
      );
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.log.error({ err: (err as Error).message }, 'event subscriber failed');
        }
      }
    }
  }

  /**
   * Writes changed host rows: at most `flushMaxRows` per interval (20,000 by default, so a
   * huge fleet costs a bounded share of CPU: rows are deduplicated per host, so each host is
   * written round-robin), in transactions of {@link FLUSH_CHUNK} rows, one after the other
   * (the event loop runs UDP reads and ticks between them). Also retries pending events and
   * emits the reject summary. Returns the flush in progress (a new one only when none is).
   */
  flush(): Promise<void> {
    this.persist();
    this.ingest.flushWarnings(this.clock.now());
    if (this.flushing) return this.flushing;
    const run = async () => {
      let budget = this.opts.flushMaxRows ?? 20_000;
      while (this.running && budget > 0 && this.core.dirtyCount > 0) {
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

  /** One transaction of at most `max` changed hosts; false when it failed (rows requeued). */
  private async writeChunk(max: number): Promise<boolean> {
    const idx = this.core.takeDirty(max);
    if (idx.length === 0) return false;
    const rows: StoredHost[] = idx.map((i) => this.core.reg.snapshot(i));
    try {
      await this.opts.store.hosts.save(rows);
      return true;
    } catch (err) {
      this.writeErrors.hosts++;
      this.log.error(
        { err: (err as Error).message, hosts: rows.length },
        'cannot save host state; will retry',
      );
      this.core.requeueDirty(idx);
      return false;
    }
  }

  private warnRejected(s: RejectSummary): void {
    const parts = Object.entries(s.byReason)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    this.log.warn(
      { rejected: s.byReason, total: s.total, lastFrom: s.lastFrom },
      `dropped ${s.total} bad datagrams in the last ${Math.max(1, Math.round(s.sinceMs / 1000))}s (${parts}); last from ${s.lastFrom}`,
    );
  }

  hosts(): HostView[] {
    return this.core.hosts();
  }

  host(id: string): HostView | undefined {
    return this.core.host(id);
  }

  stats(): MonitorStats {
    const s = this.core.stats();
    const drops = this.receiver.kernelDrops();
    return drops === undefined ? s : { ...s, udpKernelDrops: drops };
  }

  health(): MonitorHealth {
    const eventLoop = this.lag.read();
    return {
      storeWriteErrors: { ...this.writeErrors },
      pendingEvents: this.unsaved.length + this.recordingCount,
      ...(this.lastEventWriteError ? { lastEventWriteError: { ...this.lastEventWriteError } } : {}),
      ...(eventLoop ? { eventLoop } : {}),
    };
  }

  detectionLateness(): HistogramSnapshot {
    return this.core.detectionLateness();
  }

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
