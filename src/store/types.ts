/**
 * The store's interface: one asynchronous interface per domain (hosts, events, outbox,
 * silences, sweeps, plus the high-availability lease and per-monitor rows) and the
 * aggregate {@link Store}. Callers hold a `Store` and never learn which backend
 * (src/store/sqlite/, src/store/postgres/) is behind it. The store validates nothing:
 * inputs are validated by their area's schema before it is called.
 *
 * Fencing: every write to rows shared by all monitors (hosts, events, outbox, silences)
 * takes an optional {@link Fence}. When given, the write's transaction first checks that
 * the lease still carries that epoch and throws {@link FencedError} (rolling back) when it
 * does not, so a paused or cut-off former leader cannot write after a takeover.
 */
import { ResourceError } from '../errors.js';
import type { EventType, HostEvent, NewEvent } from '../monitor/types.js';
import type { GroupPlan, OutboxItem } from '../notify/grouping.js';
import type { Silence } from '../notify/types.js';
import type { SweepResult, SweepRun } from '../sweep/types.js';
import type {
  EventRecord,
  HostRecord,
  OutboxRecord,
  RowCopy,
  SilenceRecord,
  SweepRecord,
} from './records.js';
import type { OpenAlert, QueuedBatch, StoredHost, SweepHostState } from './values.js';

export * from './records.js';

export type { OpenAlert, QueuedBatch, StoredHost, SweepHostState } from './values.js';

/** The lease epoch a writer believes it holds; checked inside the write's transaction. */
export interface Fence {
  epoch: number;
}

/**
 * A fenced write found the lease at another epoch: another monitor took over. The writer
 * must stop acting as the active monitor (its write was rolled back).
 */
export class FencedError extends ResourceError {
  constructor(
    readonly mine: number,
    readonly current: number | undefined,
  ) {
    super(
      `store write refused: this monitor wrote with lease epoch ${mine} but the lease is at ${
        current ?? 'none'
      } (another monitor took over); standing down`,
    );
  }
}

/** An event to record, with an optional key that makes it idempotent per host transition. */
export interface NewStoreEvent extends NewEvent {
  /**
   * Unique per host transition (e.g. `web-1:down:1712345678000`). A second event with the
   * same key is not recorded again (`ON CONFLICT DO NOTHING`), so a monitor that takes over
   * cannot repeat what the former leader recorded. Absent: never deduplicated.
   */
  transitionKey?: string;
}

/** An outbox row to queue: (event, notifier, reminder) is unique; a repeat is ignored. */
export interface NewOutboxRow {
  event: HostEvent;
  notifier: string;
  reminder: number;
  createdAt: number;
  readyAt: number;
}

/**
 * Runs inside the transaction that records events, with the events actually inserted
 * (duplicates left out); returns the outbox rows to queue in that same transaction. It must
 * be synchronous and pure (no store calls): throwing rolls the whole write back.
 */
export type EventsRecordedHook = (events: readonly HostEvent[]) => readonly NewOutboxRow[];

/** Filters for {@link EventStore.list}; every one optional. */
export interface ListEventsQuery {
  /** Most rows to return (default 100, capped at 10,000). */
  limit?: number;
  /** Only events with a smaller id (paging backwards, newest first). */
  beforeId?: number;
  /** Only events with a larger id (catching up, e.g. SSE `Last-Event-ID`). */
  afterId?: number;
  hostId?: string;
  types?: readonly EventType[];
  /** Only events at or after this time (ms since epoch). */
  since?: number;
  /** Only events before this time (ms since epoch). */
  until?: number;
}

/** Known hosts: a snapshot of the monitor's registry, written in batches. */
export interface HostStore extends RowCopy<HostRecord> {
  /** Inserts or updates hosts in one transaction; returns how many were written. */
  save(hosts: readonly StoredHost[], fence?: Fence): Promise<number>;
  /** Every known host, in id order (restoring the registry on start). */
  load(): Promise<StoredHost[]>;
  /** Forgets a host; its events stay. False when it was not known. */
  remove(id: string, fence?: Fence): Promise<boolean>;
}

/** The event log: the truth dashboards, notifications and restarts read. */
export interface EventStore extends RowCopy<EventRecord> {
  /**
   * Appends events, writes `hosts` (the rows of the hosts they are about) and the outbox
   * rows every {@link EventsRecordedHook} returns, and advances the outbox cursor, all in ONE
   * transaction. Returns the events inserted, with their ids (duplicates by transition key
   * are left out).
   */
  record(
    events: readonly NewStoreEvent[],
    opts?: { hosts?: readonly StoredHost[]; fence?: Fence },
  ): Promise<HostEvent[]>;
  /** Registers a hook for every later {@link record}; returns its remover. */
  onRecorded(hook: EventsRecordedHook): () => void;
  /** Newest first (highest id first), filtered. */
  list(query?: ListEventsQuery): Promise<HostEvent[]>;
  /** The newest event id, 0 when the log is empty. */
  lastId(): Promise<number>;
  /**
   * Calls `listener` with the newest id after any writer records events (PostgreSQL:
   * LISTEN/NOTIFY, so standbys see the active monitor's events; SQLite: writers on the same
   * file in this process). A notice may be missed while reconnecting: catch up with
   * `list({ afterId })`. Resolves once listening, with a function that stops it.
   */
  watch(listener: (lastId: number) => void): Promise<() => Promise<void>>;
}

/** What {@link OutboxStore.claim}'s planner sees: the rows claimed and the open alerts. */
export interface ClaimContext {
  items: readonly OutboxItem[];
  /** Open alerts of the notifier, keyed `${hostId}\u0000${key}`. */
  open: ReadonlySet<string>;
}

/** The durable notification outbox, as the dispatcher drives it (claim, fix, send, ack). */
export interface OutboxStore extends RowCopy<OutboxRecord> {
  /** The last event id handed to the outbox; undefined on a fresh store. */
  cursor(): Promise<number | undefined>;
  /** Raises the cursor (never lowers it). */
  setCursor(eventId: number, fence?: Fence): Promise<void>;
  /** Queues rows outside an event transaction (catch-up); returns how many were new. */
  enqueue(rows: readonly NewOutboxRow[], fence?: Fence): Promise<number>;
  /** Earliest `ready_at` of pending rows per notifier (group windows start there). */
  firstReady(): Promise<Map<string, number>>;
  /** Pending rows of a notifier ready by `now`, oldest first (read only, not claimed). */
  pending(notifier: string, now: number): Promise<OutboxItem[]>;
  /**
   * Claims a notifier's pending rows ready by `now` (PostgreSQL: `FOR UPDATE SKIP LOCKED`,
   * so two claimers never get the same row), lets `plan` decide, and fixes the plan in the
   * same fenced transaction: suppressions, alert closes/opens, rewrites and the batches
   * (each with a stable id `<notifier>-<seq>`). `plan` must be synchronous and pure.
   * Returns the batch ids formed and the rows claimed.
   */
  claim(
    notifier: string,
    now: number,
    deadlineAt: number,
    plan: (ctx: ClaimContext) => GroupPlan,
    fence?: Fence,
  ): Promise<{ batchIds: string[]; claimed: number }>;
  /** Earliest next attempt per notifier with queued batches. */
  headTimes(): Promise<Map<string, number>>;
  /** The oldest queued batch of a notifier (batches go out in order, one at a time). */
  head(notifier: string): Promise<QueuedBatch | undefined>;
  /** Ack: the batch and its rows are sent. */
  markSent(batchId: string, now: number, fence?: Fence): Promise<void>;
  /** The batch failed and is retried at `nextAttemptAt`. */
  markRetry(batchId: string, nextAttemptAt: number, error: string, fence?: Fence): Promise<void>;
  /** The batch and its rows failed for good. */
  markFailed(batchId: string, error: string, fence?: Fence): Promise<void>;
  /** Rows not yet delivered, failed or suppressed (all notifiers). */
  depth(): Promise<number>;
  /** Open alerts of one notifier. */
  alerts(notifier: string): Promise<OpenAlert[]>;
  /** Earliest `last_notified_at` of any open alert (for the reminder timer). */
  nextAlertNotified(): Promise<number | undefined>;
  /**
   * Queues the next reminder of every open alert of `notifiers` last notified at or before
   * `before`, in one transaction; returns how many rows were queued.
   */
  remindDue(before: number, now: number, notifiers: readonly string[], fence?: Fence): Promise<number>;
  /** Deletes finished rows and batches created before `before`; returns rows deleted. */
  prune(before: number, fence?: Fence): Promise<number>;
}

/** The result of removing a silence. */
export type RemoveSilenceResult = { removed: true } | { removed: false; reason: 'not-found' | 'config' };

/** Silences (maintenance windows), validated by the caller. */
export interface SilenceStore extends RowCopy<SilenceRecord> {
  /** Newest first; `activeOrPendingAt` leaves out one-off silences ended before it. */
  list(opts?: { activeOrPendingAt?: number }): Promise<Silence[]>;
  get(id: number): Promise<Silence | undefined>;
  add(silence: Omit<Silence, 'id'>, fence?: Fence): Promise<Silence>;
  /** Removes an `api` silence; `config` ones are refused (edit thump.yaml). */
  remove(id: number, fence?: Fence): Promise<RemoveSilenceResult>;
  /** Replaces every `config` silence in one transaction (monitor start). */
  replaceConfig(silences: readonly Omit<Silence, 'id'>[], fence?: Fence): Promise<Silence[]>;
  /** Deletes one-off silences that ended more than `keepMs` before `now`. */
  prune(now: number, keepMs: number, fence?: Fence): Promise<number>;
}

/** The run fields a sweep records when it starts. */
export type SweepRunStart = Pick<SweepRun, 'id' | 'startedAt' | 'total' | 'mode' | 'everyMs'>;

/** Sweep runs, their per-host results, and each agentless host's latest state. */
export interface SweepStore extends RowCopy<SweepRecord> {
  /** Creates (or re-opens, updating `total`) a run. */
  begin(run: SweepRunStart): Promise<void>;
  /** Stores one host's result of a run and updates the host's latest state. */
  write(runId: string, result: SweepResult): Promise<void>;
  /** Marks a run finished (its ok/failed counts recounted from its results). */
  finish(runId: string, at: number): Promise<void>;
  /** Runs newest first. */
  list(limit?: number): Promise<SweepRun[]>;
  get(id: string): Promise<SweepRun | undefined>;
  /** Every host's result in one run, in target order. */
  results(runId: string): Promise<SweepResult[]>;
  /** Each agentless host's latest result and up/down state, in target order. */
  latest(): Promise<SweepHostState[]>;
}

/** The lease row that makes one monitor active. */
export interface LeaseRecord {
  holder: string;
  /** Rises on every takeover (a different holder, or the lease had expired). */
  epoch: number;
  expiresAt: number;
}

/** The lease after {@link LeaseStore.tryAcquireOrRenew}. */
export interface LeaseState extends LeaseRecord {
  /** True when the caller holds the lease after the call. */
  held: boolean;
}

/**
 * The HA lease. SQLite (one monitor) implements it trivially: the caller always holds it,
 * at a constant epoch, so callers need no branch per backend.
 */
export interface LeaseStore {
  /**
   * Takes the lease when it is free or expired (raising the epoch), or renews it when the
   * caller holds it (same epoch), until `now + ttlMs`. Otherwise reports who holds it.
   */
  tryAcquireOrRenew(holder: string, ttlMs: number, now: number): Promise<LeaseState>;
  /** The lease as stored, undefined before anyone took it. */
  current(): Promise<LeaseRecord | undefined>;
  /** Gives the lease up (expires it now) when `holder` holds it at `epoch`. */
  release(holder: string, epoch: number): Promise<boolean>;
}

/** One monitor's liveness row. */
export interface MonitorLiveness {
  monitorId: string;
  seenAt: number;
  /** Free-form facts the monitor publishes (version, address...). */
  info: Record<string, unknown>;
}

/** A host one monitor has not heard past its deadline. */
export interface Suspect {
  monitorId: string;
  hostId: string;
  since: number;
}

/**
 * Per-monitor rows: each monitor writes only its own (not fenced), the active reads all.
 * Cost grows with silent hosts, not with the fleet.
 */
export interface MonitorRowsStore {
  /** Upserts this monitor's liveness row. */
  heartbeat(monitorId: string, now: number, info?: Record<string, unknown>): Promise<void>;
  /** Liveness rows seen at or after `since`, by monitor id. */
  live(since: number): Promise<MonitorLiveness[]>;
  /** Adds (or keeps) suspects of one monitor in one batch. */
  addSuspects(monitorId: string, hostIds: readonly string[], since: number): Promise<void>;
  /** Removes suspects of one monitor in one batch. */
  removeSuspects(monitorId: string, hostIds: readonly string[]): Promise<void>;
  /** Every suspect row (optionally of one monitor), by host then monitor. */
  suspects(monitorId?: string): Promise<Suspect[]>;
}

/** Which backend a store is (for logs, `/api/info`, metrics); callers must not branch on it. */
export type StoreKind = 'sqlite' | 'postgres';

/** Every domain behind one handle. */
export interface Store {
  readonly kind: StoreKind;
  /** The target with any password redacted (safe to log and print). */
  readonly target: string;
  readonly hosts: HostStore;
  readonly events: EventStore;
  readonly outbox: OutboxStore;
  readonly silences: SilenceStore;
  readonly sweeps: SweepStore;
  readonly lease: LeaseStore;
  readonly monitors: MonitorRowsStore;
  /** Schema version per migration domain (for `thump db`, diagnostics). */
  schemaVersions(): Promise<Record<string, number>>;
  /**
   * Deletes every row of the copied domains (hosts, events, outbox, silences, sweeps) in ONE
   * transaction and restarts their ids (`thump db migrate --force`). The HA lease and the
   * per-monitor rows stay: a lease epoch must never go back. Unfenced: never while a monitor
   * uses the store.
   */
  truncate(): Promise<void>;
  /** Cheap round trip (`/healthz`): rejects when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
