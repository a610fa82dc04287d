/** The notifiers: registry, config schema and factory, and the test batch. */
export type { NotifierContext, NotifierDefinition } from './define.js';
export {
  createNotifier,
  type NotifierConfig,
  notifierConfigSchema,
  notifierListSchema,
  notifierTypes,
} from './registry.js';
export { testBatch } from './test-batch.js';
export { verifyWebhookSignature, type WebhookPayload, webhookPayload, webhookSignature } from './webhook.js';
