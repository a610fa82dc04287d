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
