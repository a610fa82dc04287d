import type pino from 'pino';
import type { Keyring } from '../protocol/index.js';
import { FencedError, type Store, type StoredHost } from '../store/index.js';
import type { Clock } from '../util/clock.js';
import { type CoreOptions, MonitorCore } from './core.js';
import { EventLoopLagMonitor } from './event-loop-lag.js';
import type { HaControl } from './ha/ports.js';
import { haStatus } from './ha/status.js';
import { HostFlusher } from './host-flush.js';
import { createIngest, type RejectSummary } from './ingest.js';
import { formatListen, type UdpListen } from './listen.js';
import { describeEvent, eventLevel } from './log.js';
import { DEFAULT_MAX_PENDING_EVENTS, keyed, PendingEvents } from './pending-events.js';
import { type ReceiverKind, UdpReceiver } from './receiver.js';
import { SteadyClock } from './steady-clock.js';
import { StoreFollower } from './store-follower.js';
import { takeoverBatch } from './takeover.js';
import type {
  HaStatus,
  HistogramSnapshot,
  HostEvent,
  HostView,
  MonitorHealth,
  MonitorStats,
  MonitorView,
} from './types.js';

export { DEFAULT_MAX_PENDING_EVENTS, transitionKey } from './pending-events.js';

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
  /**
   * High availability (several monitors on one PostgreSQL): shared writes only while it
   * gives a fence, fenced with it. Absent: alone, every write unfenced (tests, tools).
   */
  ha?: HaControl;
  /** Most events kept while they cannot be recorded (default 10,000; the oldest are dropped). */
  maxPendingEvents?: number;
  logger: pino.Logger;
  clock?: Clock;
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
  private readonly unsaved: PendingEvents;
  /** The event write in flight, if any (one at a time keeps the log in order). */
  private recording: Promise<void> | undefined;
  /** How many events the write in flight carries. */
  private recordingCount = 0;
  /** Writes the changed host rows (see {@link flush}). */
  private readonly flusher: HostFlusher;
  private running = false;
  private readonly lag = new EventLoopLagMonitor();
  /** Failed event write transactions (host-row failures are the flusher's). */
  private eventWriteErrors = 0;
  /** The takeover reconciliation in flight (events wait for it, in order). */
  private activating: Promise<void> | undefined;
  /** A takeover that could not finish (store error): retried by the next persist. */
  private takeoverDue = false;
  private readonly follower: StoreFollower;
  private lastEventWriteError: { at: number; message: string } | undefined;

  constructor(private readonly opts: MonitorOptions) {
    // Deadlines need a clock that does not jump when NTP corrects the system clock.
    this.clock = opts.clock ?? new SteadyClock();
    this.log = opts.logger;
    this.core = new MonitorCore(opts.core);
    this.unsaved = new PendingEvents(opts.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS, this.log);
    this.flusher = new HostFlusher({
      core: this.core,
      hosts: opts.store.hosts,
      ha: opts.ha,
      maxRows: opts.flushMaxRows,
      running: () => this.running,
      log: this.log,
    });
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
    this.follower = new StoreFollower({
      events: opts.store.events,
      following: () => opts.ha !== undefined && opts.ha.fence() === undefined,
      publish: (events) => this.publish(events, true),
      logger: this.log,
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
    const ha = this.opts.ha;
    if (ha) {
      // After the restore (the coordinator seeds its suspects from it), before any beat:
      // alone (SQLite) the lease is held from the first datagram on.
      ha.start();
      await ha.ready();
      await this.follower.start();
    }
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
    await this.follower.stop();
    await this.activating;
    await this.settle();
    await this.flusher.inFlight;
    // Everything left (the events were retried above).
    await this.flusher.drain();
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
    const ha = this.opts.ha;
    const fence = ha?.fence();
    if (ha && fence === undefined && ha.leader !== '' && ha.leader !== ha.monitorId) {
      // Another monitor holds the lease: it records (and reconciles what it missed).
      this.unsaved.take();
      return;
    }
    this.unsaved.push(keyed(fresh));
    if (ha && fence === undefined) return; // no lease (store outage): kept, bounded, in order
    if (this.takeoverDue && !this.activating) {
      this.becameActive();
      return;
    }
    if (this.recording || this.activating || this.unsaved.length === 0) return;
    const events = this.unsaved.take();
    this.recordingCount = events.length;
    const touched = new Set<number>();
    for (const e of events) {
      const i = e.hostId === '' ? -1 : this.core.reg.find(e.hostId);
      if (i >= 0) touched.add(i);
    }
    const hosts: StoredHost[] = [...touched].map((i) => this.core.reg.snapshot(i));
    this.recording = this.opts.store.events.record(events, { hosts, ...(fence ? { fence } : {}) }).then(
      (recorded) => {
        this.lastEventWriteError = undefined;
        this.recording = undefined;
        this.recordingCount = 0;
        this.publish(recorded);
        if (this.unsaved.length > 0) this.persist();
      },
      (err: unknown) => {
        this.recording = undefined;
        this.recordingCount = 0;
        if (err instanceof FencedError) {
          // Another monitor took over: it reconciles from its own live state.
          this.fenced(err);
          this.unsaved.take();
          return;
        }
        // Kept in order before anything taken meanwhile; the next tick or datagram retries.
        this.unsaved.retry(events);
        this.eventWriteErrors++;
        this.lastEventWriteError = { at: this.clock.now(), message: (err as Error).message };
        this.log.error(
          { err: (err as Error).message, pending: this.unsaved.length },
          'cannot record events; will retry',
        );
      },
    );
  }

  /** A fenced write was refused: stop acting as the active monitor at once. */
  private fenced(err: FencedError): void {
    this.opts.ha?.noteFenced(err.mine);
  }

  /**
   * Called when this monitor became active: records what the store's log lacks, fenced,
   * before any newer event. The events queued while no lease was held that are still true
   * ({@link pendingStillTrue}), then one `down`/`up` per host whose recorded state differs
   * from the live one ({@link takeoverEvents}: a `new` only for a host the store never
   * recorded), all with their transition keys, so nothing the old leader recorded is
   * recorded twice. Then the changed host rows are flushed.
   */
  becameActive(): Promise<void> {
    this.activating ??= this.takeOver().finally(() => {
      this.activating = undefined;
      if (this.running) {
        this.persist();
        void this.flush();
      }
    });
    return this.activating;
  }

  private async takeOver(): Promise<void> {
    this.takeoverDue = false;
    while (this.recording) await this.recording;
    const fence = this.opts.ha?.fence();
    if (fence === undefined) return;
    this.unsaved.push(keyed(this.core.takeEvents()));
    const queued = this.unsaved.take();
    try {
      const stored = new Map((await this.opts.store.hosts.load()).map((h) => [h.id, h.state] as const));
      const { events, hosts, kept, reconciled } = takeoverBatch(queued, stored, this.core, this.clock.now());
      if (events.length === 0) return;
      const done = await this.opts.store.events.record(events, { hosts, fence });
      this.log.info(
        { queued: queued.length, recorded: done.length, reconciled },
        `HA takeover: recorded ${done.length} events the log lacked (${kept} of ${queued.length} pending still true, ${reconciled} from the live state)`,
      );
      this.publish(done);
    } catch (err) {
      if (err instanceof FencedError) {
        this.fenced(err);
        return;
      }
      this.unsaved.restore(queued);
      this.takeoverDue = true;
      this.eventWriteErrors++;
      this.lastEventWriteError = { at: this.clock.now(), message: (err as Error).message };
      this.log.error(
        { err: (err as Error).message },
        'HA takeover: cannot reconcile the event log yet; will retry',
      );
    }
  }

  private publish(recorded: readonly HostEvent[], followed = false): void {
    for (const e of recorded) {
      this.follower.seen(e.id);
      this.log[followed ? 'debug' : eventLevel(e)](
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
   * Writes changed host rows: at most `flushMaxRows` per interval, in transactions of 1,000
   * rows ({@link HostFlusher}). Also retries pending events and emits the reject summary.
   * Returns the flush in progress (a new one only when none is).
   */
  flush(): Promise<void> {
    this.persist();
    this.ingest.flushWarnings(this.clock.now());
    return this.flusher.flush();
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
      storeWriteErrors: { events: this.eventWriteErrors, hosts: this.flusher.errors },
      pendingEvents: this.unsaved.length + this.recordingCount,
      maxPendingEvents: this.unsaved.max,
      droppedEvents: this.unsaved.dropped,
      ...(this.lastEventWriteError ? { lastEventWriteError: { ...this.lastEventWriteError } } : {}),
      ...(eventLoop ? { eventLoop } : {}),
    };
  }

  ha(): HaStatus {
    return haStatus(this.opts.ha);
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
