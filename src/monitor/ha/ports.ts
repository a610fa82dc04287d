/**
 * The narrow views of the store and the process that high availability needs. The store's
 * `LeaseStore` and `MonitorRowsStore` (src/store/types.ts) satisfy these structurally, so the
 * monitor wires them in without this folder importing the store.
 */

/** The lease row after a call, as the store reports it. */
export interface LeaseResult {
  /** True when the caller holds the lease after the call. */
  held: boolean;
  holder: string;
  /** Rises on every takeover. */
  epoch: number;
  /** When the lease ends, on the store's writers' wall clocks (ms). */
  expiresAt: number;
}

/** The HA lease: one row that makes one monitor active. */
export interface LeasePort {
  tryAcquireOrRenew(holder: string, ttlMs: number, now: number): Promise<LeaseResult>;
  release(holder: string, epoch: number): Promise<boolean>;
}

/** One monitor's liveness row. */
export interface LivenessRow {
  monitorId: string;
  seenAt: number;
}

/** A host one monitor has not heard past its deadline. */
export interface SuspectRow {
  monitorId: string;
  hostId: string;
}

/** Per-monitor rows: each monitor writes only its own, every monitor reads them all. */
export interface MonitorRowsPort {
  heartbeat(monitorId: string, now: number, info?: Record<string, unknown>): Promise<void>;
  live(since: number): Promise<LivenessRow[]>;
  addSuspects(monitorId: string, hostIds: readonly string[], since: number): Promise<void>;
  removeSuspects(monitorId: string, hostIds: readonly string[]): Promise<void>;
  suspects(monitorId?: string): Promise<SuspectRow[]>;
}

/** The few pino methods the coordinator logs with. */
export interface HaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Timers, injected so tests drive them by hand; `setTimeout` semantics. */
export interface HaTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers (unref'd: HA never keeps a stopping process alive). */
export const nodeTimers: HaTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * What the monitor service and the notify pipeline need of the coordinator
 * ({@link import('./coordinator.js').HaCoordinator} implements it): the role, the fence for
 * shared writes, and the lifecycle.
 */
export interface HaControl {
  readonly monitorId: string;
  readonly role: 'active' | 'standby';
  readonly epoch: number;
  readonly leader: string;
  readonly takeovers: number;
  readonly storeUp: boolean;
  /** The epoch to fence shared writes with; undefined unless active right now. */
  fence(): { epoch: number } | undefined;
  /** A fenced write was refused (FencedError): step down at once. */
  noteFenced(epoch: number): void;
  start(): void;
  /** Resolves after the first lease call answered (or failed). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}
