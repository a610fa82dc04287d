import type { MonitorHealth } from '../monitor/types.js';
import type { DispatcherHealth } from '../notify/types.js';

/** What `/healthz` judges, gathered by the route (all optional but the db probe). */
export interface HealthInputs {
  dbOk: boolean;
  monitor: MonitorHealth | undefined;
  dispatcher: DispatcherHealth | undefined;
  maxEventLoopLagMs: number;
  maxDispatchFailures: number;
}

/** The verdict: `ok`, or `degraded` with one human-readable reason per problem. */
export interface HealthVerdict {
  status: 'ok' | 'degraded';
  reasons: string[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)}s`;

/**
 * Decides whether the monitor is healthy. Pure, so every rule is a table test: degraded
 * when the database does not answer, when events cannot be written (the last write failed
 * and events wait in memory), when the notify dispatcher failed `maxDispatchFailures` steps
 * in a row, or when the event loop's recent p99 delay exceeds `maxEventLoopLagMs` (beats
 * and deadlines would be handled late).
 */
export function judgeHealth(h: HealthInputs): HealthVerdict {
  const reasons: string[] = [];
  if (!h.dbOk) reasons.push('db: the database does not answer');
  const m = h.monitor;
  if (m?.lastEventWriteError !== undefined && m.pendingEvents > 0) {
    reasons.push(
      `store: cannot write events (${m.lastEventWriteError.message}); ${m.pendingEvents} events pending in memory, retried until the write succeeds`,
    );
  }
  const d = h.dispatcher;
  if (d !== undefined && d.consecutiveFailures >= h.maxDispatchFailures) {
    reasons.push(
      `notify: the dispatcher failed ${d.consecutiveFailures} steps in a row (${d.lastError?.message ?? 'unknown error'}); nothing is being delivered`,
    );
  }
  const lag = m?.eventLoop;
  if (lag !== undefined && lag.p99Ms > h.maxEventLoopLagMs) {
    reasons.push(
      `event loop: p99 delay ${seconds(lag.p99Ms)} over the last ${seconds(lag.windowMs)} exceeds http.health_max_event_loop_lag (${seconds(h.maxEventLoopLagMs)})`,
    );
  }
  return { status: reasons.length === 0 ? 'ok' : 'degraded', reasons };
}
