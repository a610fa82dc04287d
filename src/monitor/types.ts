import type { CheckResult, RejectReason } from '../protocol/types.js';

/**
 * Host lifecycle. `up` beats arrive in time; `down` missed its deadline; `left` said goodbye.
 * `flapping` and hardware faults are flags/events on top of these, not states of their own.
 */
export type HostState = 'up' | 'down' | 'left';
export const HOST_STATES: readonly HostState[] = ['up', 'down', 'left'];

/** Where a host's liveness comes from. */
export type HostSource = 'agent' | 'legacy' | 'sweep';

/**
 * Every kind of event. `new` first sighting ever; `up` recovered from down/left;
 * `restarted` new boot id; `check` a hardware/custom check changed severity
 * (details: checkId, severity, previous, text); `network` many hosts fell silent
 * at once, the monitor's own network is suspect (details: count, hostIds);
 * `network-recovered`; `flapping` / `flapping-stopped`.
 */
export type EventType =
  | 'new'
  | 'up'
  | 'down'
  | 'left'
  | 'restarted'
  | 'check'
  | 'flapping'
  | 'flapping-stopped'
  | 'network'
  | 'network-recovered';

export const EVENT_TYPES: readonly EventType[] = [
  'new',
  'up',
  'down',
  'left',
  'restarted',
  'check',
  'flapping',
  'flapping-stopped',
  'network',
  'network-recovered',
];

/** An event before the store gives it an id. */
export interface NewEvent {
  type: EventType;
  /** Host the event is about; `''` for fleet-wide events such as `network`. */
  hostId: string;
  /** When it happened, ms since epoch (for `down`: the deadline that passed, not when noticed). */
  at: number;
  /** Event-specific data (check id/severity/text, previous state, counts...). JSON-serialisable. */
  details: Record<string, unknown>;
}

/** A persisted event: the event log is the truth dashboards, notifications and restarts read. */
export interface HostEvent extends NewEvent {
  /** Monotonic id assigned by the store (SSE `Last-Event-ID`, paging cursor). */
  id: number;
}

/**
 * One host's whole state as the core snapshots it and restores it after a restart: the
 * API's row plus the replay guard and the flapping window. Defined here, not in the store,
 * so the pure core depends on no persistence; the store's rows map to and from this shape.
 */
export interface HostSnapshot extends HostView {
  /** Agent clock of the last accepted beat (a replay of an older boot is older than this). */
  sentAt: number;
  /** Flapping window: bit i set = the i-th most recent state sample was a change. */
  flapBits: number;
}

/** What the monitor knows about one host: the API's `/api/hosts` row. */
export interface HostView {
  id: string;
  state: HostState;
  source: HostSource;
  /** Source `ip:port` of the last valid beat (`[v6]:port` for IPv6). */
  address: string;
  firstSeenAt: number;
  lastBeatAt: number;
  /** When the current state began. */
  stateSince: number;
  bootId: string;
  seq: number;
  intervalMs: number;
  timeoutMs: number;
  uptimeSeconds: number;
  load: [number, number, number];
  memTotalBytes: number;
  memAvailableBytes: number;
  diskTotalBytes: number;
  diskUsedBytes: number;
  checks: CheckResult[];
  labels: Record<string, string>;
  flapping: boolean;
}

/** Counters the monitor keeps as plain numbers (cheap on the hot path); /metrics reads them. */
export interface MonitorStats {
  packetsTotal: number;
  beatsTotal: number;
  rejected: Partial<Record<RejectReason | 'rate-limited', number>>;
  hostsByState: Record<HostState, number>;
  eventsByType: Partial<Record<EventType, number>>;
  /**
   * Datagrams the kernel dropped because the UDP receive buffer was full (cumulative, native
   * receiver only; absent with node:dgram, which cannot see it).
   */
  udpKernelDrops?: number;
}

/** Fixed-bucket histogram kept as plain numbers; /metrics turns it into a Prometheus histogram. */
export interface HistogramSnapshot {
  /** Upper bounds (inclusive), ascending, without +Inf. */
  bounds: number[];
  /** Non-cumulative counts per bucket; one more entry than `bounds` (the +Inf bucket). */
  counts: number[];
  sum: number;
  count: number;
}

/** What the running monitor offers to the HTTP API, the dashboard and the notify pipeline. */
/**
 * What the monitor knows about its own health: whether events reach the store, and how
 * late its event loop runs. Read by `/healthz` and `/metrics`.
 */
export interface MonitorHealth {
  /** Failed write transactions since start, by what was written. */
  storeWriteErrors: { events: number; hosts: number };
  /** Events recorded in memory but not yet in the store (they are retried, never dropped). */
  pendingEvents: number;
  /** The latest failed event write, cleared by the next successful one. */
  lastEventWriteError?: { at: number; message: string };
  /** Event-loop delay over the last window (absent before the monitor started). */
  eventLoop?: { p99Ms: number; maxMs: number; windowMs: number };
  /** Most events kept in memory while they cannot be recorded (the bound of `pendingEvents`). */
  maxPendingEvents?: number;
  /** Events dropped (oldest first) because the pending queue was full. */
  droppedEvents?: number;
}

/**
 * This monitor's high-availability role (docs/high-availability.md), as `/healthz`,
 * `/api/info`, `/metrics` and the dashboard show it. With SQLite the monitor is alone and
 * always `active`.
 */
export interface HaStatus {
  role: 'active' | 'standby';
  monitorId: string;
  /** The lease epoch last reported by the store (rises on every takeover). */
  epoch: number;
  /** The monitor holding the lease as last reported by the store (`''` before any answer). */
  leader: string;
  /** Times this monitor became active since it started. */
  takeovers: number;
  /** False while the store is failing (lease or per-monitor rows). */
  storeUp: boolean;
  /** The fence for a shared write right now; absent unless active (API writes use it). */
  fence?: { epoch: number };
}

export interface MonitorView {
  hosts(): HostView[];
  host(id: string): HostView | undefined;
  stats(): MonitorStats;
  /** Milliseconds from a host's deadline to its `down` event being emitted. */
  detectionLateness(): HistogramSnapshot;
  /** Called with every event after it is persisted; returns an unsubscribe function. */
  subscribe(listener: (event: HostEvent) => void): () => void;
  /**
   * Optional: arrival times (ms epoch, oldest first) of a host's recent beats, for the
   * dashboard's inter-arrival chart. Without it the HTTP layer samples `lastBeatAt` itself.
   */
  beatHistory?(id: string): number[];
  /** Optional: store and event-loop health (see {@link MonitorHealth}). */
  health?(): MonitorHealth;
  /** Optional: the high-availability role (see {@link HaStatus}); absent: alone and active. */
  ha?(): HaStatus;
}
