import { ThumpError } from '../errors.js';

/**
 * Why one delivery attempt failed. The dispatcher keeps per-reason counters
 * (`NotifierStatus.failuresByReason`), so the set is small and stable:
 * - `timeout`: no complete answer before the notifier's `timeout` (retryable)
 * - `network`: connection refused/reset, DNS, TLS (retryable)
 * - `http-429`: rate limited (retryable, `retryAfterMs` when the server said so)
 * - `http-5xx`: the endpoint failed (retryable)
 * - `http-4xx`: the endpoint refused the request, e.g. 401/403/404 (permanent)
 * - `http-3xx`: the endpoint redirected; not followed, as headers carry tokens (permanent)
 * - `smtp`: the mail server answered with an error (4xx retryable, 5xx permanent)
 * - `command`: the notify program failed (see the command notifier for which exits retry)
 * - `config`: the notifier cannot work as configured (permanent)
 * - `aborted`: the caller cancelled the attempt, e.g. shutdown (retryable)
 * - `unknown`: anything else (retryable)
 */
export type NotifyReason =
  | 'timeout'
  | 'network'
  | 'http-429'
  | 'http-5xx'
  | 'http-4xx'
  | 'http-3xx'
  | 'smtp'
  | 'command'
  | 'config'
  | 'aborted'
  | 'unknown';

/** What a notifier throws when one send failed: whether a retry can help, and why. */
export class NotifyError extends ThumpError {
  /** `true` when the same batch may succeed later (timeouts, 429, 5xx, network). */
  readonly retryable: boolean;
  readonly reason: NotifyReason;
  /** How long the endpoint asked us to wait (HTTP `Retry-After`), if it said so. */
  readonly retryAfterMs?: number;
  /** HTTP status or SMTP response code, when there was one. */
  readonly status?: number;

  constructor(
    message: string,
    init: {
      reason: NotifyReason;
      retryable: boolean;
      retryAfterMs?: number;
      status?: number;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    this.retryable = init.retryable;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.status !== undefined) this.status = init.status;
  }
}

/**
 * Recognises a NotifyError by `name` (errors may cross worker/process boundaries, where
 * `instanceof` fails), with the fields the dispatcher needs.
 */
export function isNotifyError(err: unknown): err is NotifyError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'NotifyError' &&
    typeof (err as { retryable?: unknown }).retryable === 'boolean'
  );
}

/**
 * Turns whatever a notifier threw into a NotifyError. A bug that throws a plain Error is
 * treated as retryable `unknown`: it is logged and retried until the dispatcher's deadline
 * rather than silently dropping the notification.
 */
export function toNotifyError(err: unknown): NotifyError {
  if (isNotifyError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new NotifyError(message, { reason: 'unknown', retryable: true });
}
