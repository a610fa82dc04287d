import type pino from 'pino';
import type { Keyring } from '../protocol/index.js';
import type { Db } from '../store/db.js';
import { recordEvents } from '../store/events.js';
import { loadHosts, type StoredHost, upsertHosts } from '../store/hosts.js';
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
  db: Db;
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
 * The running monitor: UDP receiver -> ingest -> core; a timer that advances the detector at
 * every slot; events recorded in SQLite at once (in the same transaction as the affected
 * hosts' rows and the notify pipeline's outbox rows), then logged and published to
 * subscribers; other host changes flushed in batches. Implements {@link MonitorView}.
 */
export class Monitor implements MonitorView {
  readonly core: MonitorCore;
  private readonly receiver: UdpReceiver;
  private readonly clock: Clock;
  private readonly log: pino.Logger;
  private readonly listeners = new Set<(e: HostEvent) => void>();
  private readonly ingest: ReturnType<typeof createIngest>;
  private tickTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private persistScheduled = false;
  private unsaved: NewEvent[] = [];
  private running = false;
  private flushing = false;
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
    const now = this.clock.now();
    const stored = loadHosts(this.opts.db);
    this.core.restore(stored, now);
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
    this.flushTimer = setInterval(() => this.flush(), every);
  }

  /** Stops receiving, records pending events, writes every changed host. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.tickTimer);
    clearInterval(this.flushTimer);
    this.lag.stop();
    await this.receiver.stop();
    this.persist();
    this.flush(true);
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

  /** Records pending events (with their hosts' rows and the hooks' outbox rows), then publishes. */
  private persist(): void {
    const fresh = this.core.takeEvents();
    const events = this.unsaved.length > 0 ? [...this.unsaved, ...fresh] : fresh;
    if (events.length === 0) return;
    const db = this.opts.db;
    const touched = new Set<number>();
    for (const e of events) {
      const i = e.hostId === '' ? -1 : this.core.reg.find(e.hostId);
      if (i >= 0) touched.add(i);
    }
    let recorded: HostEvent[];
    try {
      recorded = recordEvents(db, events, (tx) => {
        upsertHosts(
          tx,
          [...touched].map((i) => this.core.reg.snapshot(i)),
        );
      });
      this.unsaved = [];
      this.lastEventWriteError = undefined;
    } catch (err) {
      this.unsaved = events;
      this.writeErrors.events++;
      this.lastEventWriteError = { at: this.clock.now(), message: (err as Error).message };
      this.log.error(
        { err: (err as Error).message, pending: events.length },
        'cannot record events; will retry',
      );
      return;
    }
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
   * written round-robin), in transactions of {@link FLUSH_CHUNK} rows with a yield to the
   * event loop between them, so neither UDP reads nor the detector's ticks wait for a long
   * write. Also emits the reject summary. `sync` writes everything at once (stop()).
   */
  flush(sync = false): void {
    this.persist();
    this.ingest.flushWarnings(this.clock.now());
    if (sync) {
      while (this.core.dirtyCount > 0 && this.writeChunk(Number.POSITIVE_INFINITY)) {}
      return;
    }
    if (this.flushing) return;
    let budget = this.opts.flushMaxRows ?? 20_000;
    const step = () => {
      if (!this.running || budget <= 0 || this.core.dirtyCount === 0) {
        this.flushing = false;
        return;
      }
      const n = Math.min(FLUSH_CHUNK, budget);
      budget -= n;
      if (!this.writeChunk(n)) {
        this.flushing = false;
        return;
      }
      setImmediate(step);
    };
    this.flushing = true;
    step();
  }

  /** One transaction of at most `max` changed hosts; false when it failed (rows requeued). */
  private writeChunk(max: number): boolean {
    const idx = this.core.takeDirty(max);
    if (idx.length === 0) return false;
    const rows: StoredHost[] = idx.map((i) => this.core.reg.snapshot(i));
    try {
      this.opts.db.transaction(() => upsertHosts(this.opts.db, rows))();
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
      pendingEvents: this.unsaved.length,
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
