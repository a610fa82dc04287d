import type pino from 'pino';
import type { ThumpConfig } from '../config/schema.js';
import type { MonitorView } from '../monitor/types.js';
import type { Db } from '../store/db.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { NotifyView } from './types.js';

/** What `startNotifyPipeline` needs; the db must already be open. */
export interface NotifyPipelineDeps {
  db: Db;
  monitor: MonitorView;
  config: ThumpConfig;
  logger?: pino.Logger;
  clock?: Clock;
}

/** The running pipeline: its view for the API and /metrics, and `stop()`. */
export type NotifyPipeline = NotifyView & { stop(): Promise<void> };

/**
 * Starts the notification pipeline for a running monitor. (First version: no delivery yet;
 * the outbox dispatcher lands next.)
 */
export async function startNotifyPipeline(deps: NotifyPipelineDeps): Promise<NotifyPipeline> {
  const clock = deps.clock ?? systemClock;
  void clock;
  return {
    notifiers: () => [],
    test: async (name: string) => {
      throw new Error(`no notifier named ${name}`);
    },
    outboxDepth: () => 0,
    stop: async () => {},
  };
}
