import type { MonitorView } from '../monitor/types.js';
import type { NotifyView } from '../notify/types.js';
import type { AddMetric } from './metric-samples.js';

/**
 * What `/healthz` judges, as numbers: failed store writes, events waiting in memory, the
 * event loop's delay (a gauge of the last 10 s window's p99 and max: a summary's lifetime
 * quantiles would hide a stall now and keep showing one long gone), dispatcher failures.
 */
export function addHealthMetrics(add: AddMetric, monitor: MonitorView, notify: NotifyView | undefined): void {
  const health = () => monitor.health?.();
  add(
    'thump_store_write_errors_total',
    'Failed store write transactions, by what was written (events: retried with everything pending; hosts: host rows, requeued).',
    'counter',
    () => {
      const e = health()?.storeWriteErrors ?? { events: 0, hosts: 0 };
      return [
        { labels: { kind: 'events' }, value: e.events },
        { labels: { kind: 'hosts' }, value: e.hosts },
      ];
    },
  );
  add(
    'thump_events_pending',
    'Events found but not yet written to the store (retried in order; bounded by thump_events_pending_max, the oldest dropped beyond it).',
    'gauge',
    () => [{ value: health()?.pendingEvents ?? 0 }],
  );
  add(
    'thump_events_pending_max',
    'Most events kept in memory while they cannot be recorded (monitor.max_pending_events).',
    'gauge',
    () => {
      const max = health()?.maxPendingEvents;
      return max === undefined ? [] : [{ value: max }];
    },
  );
  add(
    'thump_events_dropped_total',
    'Pending events dropped (oldest first) because the queue was full during a long store outage.',
    'counter',
    () => [{ value: health()?.droppedEvents ?? 0 }],
  );
  addHaMetrics(add, monitor);
  add(
    'thump_event_loop_lag_seconds',
    'Event-loop delay over the last 10 s window (perf_hooks.monitorEventLoopDelay), by statistic (p99, max).',
    'gauge',
    () => {
      const lag = health()?.eventLoop;
      return lag === undefined
        ? []
        : [
            { labels: { stat: 'p99' }, value: lag.p99Ms / 1000 },
            { labels: { stat: 'max' }, value: lag.maxMs / 1000 },
          ];
    },
  );
  add(
    'thump_notify_dispatch_errors_total',
    'Notify dispatcher steps that failed, plus recorded events whose notifications could not be queued.',
    'counter',
    () => [{ value: notify?.dispatcher?.().errorsTotal ?? 0 }],
  );
}

/** The high-availability role, epoch, takeovers and whether the store answers (docs/high-availability.md). */
export function addHaMetrics(add: AddMetric, monitor: MonitorView): void {
  const ha = () => monitor.ha?.();
  add(
    'thump_ha_role',
    "This monitor's HA role: 1 for the current one (active or standby), 0 for the other.",
    'gauge',
    () => {
      const r = ha()?.role ?? 'active';
      return (['active', 'standby'] as const).map((role) => ({
        labels: { role },
        value: role === r ? 1 : 0,
      }));
    },
  );
  add(
    'thump_ha_epoch',
    'The HA lease epoch last reported by the store (rises on every takeover).',
    'gauge',
    () => [{ value: ha()?.epoch ?? 0 }],
  );
  add('thump_ha_takeovers_total', 'Times this monitor became the active one.', 'counter', () => [
    { value: ha()?.takeovers ?? 0 },
  ]);
  add(
    'thump_store_up',
    "1 while the store answers this monitor's lease and row calls, 0 during an outage.",
    'gauge',
    () => [{ value: (ha()?.storeUp ?? true) ? 1 : 0 }],
  );
}
