/**
 * The notification pipeline: events -> durable outbox (the events' own store transaction) -> routes,
 * grouping, soft state, flap damping, silences, dependencies -> notifiers, with retries.
 */
export type { NotifyConfig, RouteConfig } from './config.js';
export {
  type NotifyPipeline,
  type NotifyPipelineDeps,
  startNotifyPipeline,
} from './pipeline.js';
export { parseSilenceRequest, type SilenceInput, silenceState } from './silences.js';
export type { NotificationBatch, Notifier, NotifierStatus, NotifyView, Silence } from './types.js';
