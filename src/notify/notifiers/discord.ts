import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, notifierSchema, secretShape } from './define.js';
import { bodyText, iso, kindColor, truncate } from './format.js';
import { requireSecretUrl } from './secrets.js';

/**
 * The execute-webhook body: the title as `content` and the text in an embed, within
 * Discord's limits (content 2000, embed title 256, description 4096 characters). Mentions
 * are disabled so a host called `@everyone` pings nobody.
 */
export function discordPayload(
  batch: NotificationBatch,
  opts: { username?: string; avatar_url?: string } = {},
): Record<string, unknown> {
  return {
    content: truncate(batch.title, 2000),
    embeds: [
      {
        title: truncate(batch.title, 256),
        description: truncate(bodyText(batch), 4096),
        color: kindColor(batch.kind),
        timestamp: iso(batch.createdAt),
        footer: { text: 'thump' },
      },
    ],
    allowed_mentions: { parse: [] },
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.avatar_url ? { avatar_url: opts.avatar_url } : {}),
  };
}

/** Discord's 429 body carries `retry_after` in seconds (https://discord.com/developers/docs/topics/rate-limits). */
function discordRetryAfter(body: string): number | undefined {
  try {
    const v = (JSON.parse(body) as { retry_after?: unknown }).retry_after;
    return typeof v === 'number' && v >= 0 ? Math.ceil(v * 1000) : undefined;
  } catch {
    return undefined;
  }
}

const configSchema = notifierSchema(
  'discord',
  {
    /** The channel webhook URL (https://discord.com/api/webhooks/ID/TOKEN): a secret. */
    ...secretShape('url'),
    username: z.string().min(1).max(80).optional(),
    avatar_url: z.string().min(1).optional(),
  },
  [{ key: 'url', required: true }],
);

/** `discord`: a Discord channel webhook. */
export const discord = defineNotifier({
  type: 'discord',
  configSchema,
  create(config, ctx) {
    const url = requireSecretUrl(config, 'url', ctx);
    const opts = {
      ...(config.username ? { username: config.username } : {}),
      ...(config.avatar_url ? { avatar_url: config.avatar_url } : {}),
    };
    return {
      name: config.name,
      type: 'discord',
      async send(batch, signal) {
        await postJson(
          url,
          discordPayload(batch, opts),
          httpSendOptions(config, ctx, signal, { redact: [url], retryAfterFromBody: discordRetryAfter }),
        );
      },
    };
  },
});
