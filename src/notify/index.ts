/**
 * The notification pipeline: events -> durable outbox (same SQLite transaction) -> routes,
 * grouping, soft state, flap damping, silences, dependencies -> notifiers, with retries.
 */
export { type NotifyPipeline, type NotifyPipelineDeps, startNotifyPipeline } from './pipeline.js';
export { parseSilenceRequest, type SilenceInput, silenceState } from './silences.js';
export type { NotificationBatch, Notifier, NotifierStatus, NotifyView, Silence } from './types.js';
