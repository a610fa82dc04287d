import type { HostEvent } from '../monitor/types.js';

/**
 * One message to one notifier: the events grouped within `group_wait`.
 * `kind` is `alert` for new problems, `resolved` when problems cleared,
 * `reminder` for `repeat_interval` repeats, `test` for `thump notify-test`.
 */
export interface NotificationBatch {
  /** Stable id; notifiers that support it pass it on as an idempotency/dedup key. */
  id: string;
  notifier: string;
  kind: 'alert' | 'resolved' | 'reminder' | 'test';
  /** One-line human summary, e.g. "23 hosts down: web-1, web-2, ... (+20 more)". */
  title: string;
  /** Multi-line human body. */
  text: string;
  events: HostEvent[];
  createdAt: number;
}

/**
 * The whole notifier contract: send once, or throw a {@link NotifyError} saying
 * whether a retry can help. Retries, backoff, deadlines and dedup live in the dispatcher.
 */
export interface Notifier {
  readonly name: string;
  readonly type: string;
  send(batch: NotificationBatch, signal: AbortSignal): Promise<void>;
}

/** Delivery health of one notifier, for the API, dashboard and /metrics. */
export interface NotifierStatus {
  name: string;
  type: string;
  /** `failed`: a permanent error (e.g. 401/404) stopped delivery until the config is fixed. */
  state: 'ok' | 'retrying' | 'failed';
  sent: number;
  failedAttempts: number;
  lastSentAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  /** Failed attempts by reason class (`timeout`, `http-5xx`, `http-4xx`, `network`...). */
  failuresByReason: Record<string, number>;
  /**
   * Events routed to this notifier but deliberately not sent, by reason (`silenced`,
   * `flapping`, `parent-down`, `recovered`, `resolved-in-group`, `not-notified`...): the
   * answer to "why was I not paged?". Counted since the monitor started.
   */
  suppressedByReason?: Record<string, number>;
}

/** What the notify pipeline offers to the HTTP API and /metrics. */
/** The notify dispatcher's own failures (a step that throws delivers nothing to anyone). */
export interface DispatcherHealth {
  /** Dispatcher steps that threw, plus recorded events whose notifications could not be queued. */
  errorsTotal: number;
  /** Steps that failed in a row (0 after a good step). */
  consecutiveFailures: number;
  lastError?: { at: number; message: string };
}

export interface NotifyView {
  notifiers(): NotifierStatus[];
  /** Sends a `test` batch through one notifier now, bypassing grouping; throws its error. */
  test(name: string): Promise<void>;
  /** Notifications waiting in the outbox (all notifiers). */
  outboxDepth(): number;
  /** Optional: the dispatcher's own failures (for `/healthz` and `/metrics`). */
  dispatcher?(): DispatcherHealth;
}

/** A silence (maintenance window): matching hosts' events are recorded but not notified. */
export interface Silence {
  id: number;
  /** Glob on host id (`web-*`, `*`). */
  hostGlob: string;
  /** One-off window start/end (ms epoch); `endsAt` null = until removed. */
  startsAt: number;
  endsAt: number | null;
  /** Recurring windows: 5-field cron for each start, lasting `durationMs`. */
  cron?: string;
  durationMs?: number;
  comment: string;
  createdBy: string;
  createdAt: number;
  /** `config` silences come from thump.yaml and cannot be removed through the API. */
  origin: 'config' | 'api';
}

/** A validated silence before the store gives it an id. */
export type NewSilence = Omit<Silence, 'id'>;
