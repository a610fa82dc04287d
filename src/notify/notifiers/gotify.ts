import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, httpUrl, notifierSchema, secretShape } from './define.js';
import { bodyText, joinUrl, truncate } from './format.js';
import { requireSecret } from './secrets.js';

/** A Gotify message (https://gotify.net/api-docs#/message/createMessage). */
export function gotifyPayload(
  batch: NotificationBatch,
  opts: { priority: number; resolved_priority: number },
): Record<string, unknown> {
  const urgent = batch.kind === 'alert' || batch.kind === 'reminder';
  return {
    title: truncate(batch.title, 250),
    message: truncate(bodyText(batch), 8000),
    priority: urgent ? opts.priority : opts.resolved_priority,
    extras: { 'client::display': { contentType: 'text/plain' } },
  };
}

const configSchema = notifierSchema(
  'gotify',
  {
    /** The Gotify server, e.g. https://gotify.example.org (a sub-path is kept). */
    url: httpUrl(),
    /** Application token, sent as `X-Gotify-Key`. */
    ...secretShape('token'),
    priority: z.number().int().min(0).max(10).default(8),
    resolved_priority: z.number().int().min(0).max(10).default(4),
  },
  [{ key: 'token', required: true }],
);

/** `gotify`: a message to a self-hosted Gotify server. */
export const gotify = defineNotifier({
  type: 'gotify',
  configSchema,
  create(config, ctx) {
    const token = requireSecret(config, 'token', ctx);
    const url = joinUrl(config.url, '/message');
    const opts = { priority: config.priority, resolved_priority: config.resolved_priority };
    return {
      name: config.name,
      type: 'gotify',
      async send(batch, signal) {
        await postJson(
          url,
          gotifyPayload(batch, opts),
          httpSendOptions(config, ctx, signal, {
            headers: { 'x-gotify-key': token },
            redact: [token],
            showPath: true,
          }),
        );
      },
    };
  },
});
