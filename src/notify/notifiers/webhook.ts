import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { systemClock } from '../../util/clock.js';
import { sendHttp } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, notifierSchema, secretShape } from './define.js';
import { iso } from './format.js';
import { requireSecretUrl, resolveSecret } from './secrets.js';

/** Version of the JSON document below; bumped only on incompatible changes. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** The documented webhook body (docs/notifiers.md). Times are ISO-8601 UTC strings. */
export interface WebhookPayload {
  version: number;
  /** Batch id: the same for every retry of one message, so receivers can deduplicate. */
  id: string;
  notifier: string;
  kind: NotificationBatch['kind'];
  title: string;
  text: string;
  createdAt: string;
  events: {
    id: number;
    type: string;
    hostId: string;
    at: string;
    details: Record<string, unknown>;
  }[];
}

/** Builds the webhook body for one batch. */
export function webhookPayload(batch: NotificationBatch): WebhookPayload {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    id: batch.id,
    notifier: batch.notifier,
    kind: batch.kind,
    title: batch.title,
    text: batch.text,
    createdAt: iso(batch.createdAt),
    events: batch.events.map((e) => ({
      id: e.id,
      type: e.type,
      hostId: e.hostId,
      at: iso(e.at),
      details: e.details,
    })),
  };
}

/**
 * The signature header value: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` keyed with
 * the shared secret; the timestamp (Unix seconds) travels in `X-Thump-Timestamp` so receivers
 * can refuse old replays.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a signed webhook the way a receiver should: the signature over the raw body must
 * match (compared in constant time) and the timestamp must be within `toleranceMs` of `now`
 * (default 5 minutes), so a captured request cannot be replayed later.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  /** `X-Thump-Timestamp` header. */
  timestamp: string | undefined;
  /** `X-Thump-Signature` header. */
  signature: string | undefined;
  /** The raw request body, exactly as received. */
  body: string;
  now: number;
  toleranceMs?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!input.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(input.now - ts * 1000) > (input.toleranceMs ?? 300_000)) return false;
  const expected = Buffer.from(webhookSignature(input.secret, ts, input.body));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const configSchema = notifierSchema(
  'webhook',
  {
    ...secretShape('url'),
    /** Extra request headers (e.g. an Authorization header); their values are treated as secrets. */
    headers: z.record(z.string(), z.string()).default({}),
    ...secretShape('secret'),
    signature_header: z.string().min(1).default('X-Thump-Signature'),
  },
  [
    { key: 'url', required: true },
    { key: 'secret', required: false },
  ],
);

/** `webhook`: POSTs the JSON document above to any URL, optionally HMAC-signed. */
export const webhook = defineNotifier({
  type: 'webhook',
  configSchema,
  create(config, ctx) {
    const url = requireSecretUrl(config, 'url', ctx);
    const secret = resolveSecret(config, 'secret', ctx);
    const clock = ctx.clock ?? systemClock;
    const redact = [url, ...Object.values(config.headers), ...(secret ? [secret] : [])];
    return {
      name: config.name,
      type: 'webhook',
      async send(batch, signal) {
        const body = JSON.stringify(webhookPayload(batch));
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'idempotency-key': batch.id,
          'x-thump-batch-id': batch.id,
          ...config.headers,
        };
        if (secret !== undefined) {
          const ts = Math.floor(clock.now() / 1000);
          headers['x-thump-timestamp'] = String(ts);
          headers[config.signature_header.toLowerCase()] = webhookSignature(secret, ts, body);
        }
        // The exact bytes that were signed are the bytes sent.
        await sendHttp(url, body, headers, httpSendOptions(config, ctx, signal, { headers, redact }));
      },
    };
  },
});
