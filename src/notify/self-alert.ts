import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import type { Clock } from '../util/clock.js';
import { toNotifyError } from './errors.js';
import type { NotificationBatch, Notifier } from './types.js';

/** What a self-alert reports. */
export type SelfAlertKind = 'store-down' | 'store-up';

/**
 * Sends the monitor's own alerts straight to the notifiers with `self_alerts: true`, never
 * through the outbox (it lives in the store that just became unreachable): at most one
 * "store unreachable" per outage and one "store reachable again" after it. One attempt per
 * notifier, no retry (an alert about an outage that is over is noise); failures are logged.
 */
export class SelfAlerts {
  private down = false;

  constructor(
    private readonly opts: {
      notifiers: readonly Notifier[];
      monitorId: string;
      clock: Clock;
      attemptTimeoutMs: number;
      logger?: pino.Logger | undefined;
    },
  ) {}

  /** Sends `kind` unless it repeats the current state; resolves when every send settled. */
  async send(kind: SelfAlertKind, detail: string): Promise<void> {
    const down = kind === 'store-down';
    if (down === this.down) return;
    this.down = down;
    const now = this.opts.clock.now();
    const id = this.opts.monitorId;
    const batch = (notifier: string): NotificationBatch => ({
      id: `self-${randomUUID()}`,
      notifier,
      kind: down ? 'alert' : 'resolved',
      title: down ? `thump monitor ${id}: store unreachable` : `thump monitor ${id}: store reachable again`,
      text: down
        ? `thump monitor ${id} cannot reach its store (${detail}). It keeps detecting in memory; events are recorded and notified once the store is back.`
        : `thump monitor ${id} reaches its store again (${detail}).`,
      events: [],
      createdAt: now,
    });
    await Promise.all(
      this.opts.notifiers.map(async (n) => {
        try {
          await n.send(batch(n.name), AbortSignal.timeout(this.opts.attemptTimeoutMs));
          this.opts.logger?.info({ notifier: n.name, kind }, `self-alert sent to ${n.name}: ${kind}`);
        } catch (err) {
          this.opts.logger?.error(
            { notifier: n.name, kind, err: toNotifyError(err).message },
            `self-alert to ${n.name} failed`,
          );
        }
      }),
    );
  }
}
