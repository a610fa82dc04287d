/**
 * Retry delay for attempt `attempt` (1 = first retry): exponential from `initialMs`, capped
 * at `maxMs`, with "equal jitter" (uniformly random in [cap/2, cap], see
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/) so many notifiers failing together do not retry in lockstep. A server's
 * `Retry-After` is honoured as a lower bound. `random` is injected for tests.
 */
export function backoffDelay(
  attempt: number,
  opts: { initialMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(Math.round(jittered), opts.retryAfterMs ?? 0);
}
