import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, notifierSchema, secretShape } from './define.js';
import { bodyText, hexColor, kindColor, truncate } from './format.js';
import { requireSecretUrl } from './secrets.js';

/** Slack's mrkdwn needs only these three escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The incoming-webhook body: the title as the notification text, the body in a coloured attachment. */
export function slackPayload(
  batch: NotificationBatch,
  opts: { channel?: string; username?: string; icon_emoji?: string; icon_url?: string } = {},
): Record<string, unknown> {
  return {
    text: escapeSlack(truncate(batch.title, 3000)),
    attachments: [
      {
        color: hexColor(kindColor(batch.kind)),
        text: escapeSlack(truncate(bodyText(batch), 7000)),
        footer: 'thump',
        ts: Math.floor(batch.createdAt / 1000),
      },
    ],
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.icon_emoji ? { icon_emoji: opts.icon_emoji } : {}),
    ...(opts.icon_url ? { icon_url: opts.icon_url } : {}),
  };
}

const configSchema = notifierSchema(
  'slack',
  {
    /** The incoming webhook URL (https://hooks.slack.com/services/...): a secret. */
    ...secretShape('url'),
    channel: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    icon_emoji: z.string().min(1).optional(),
    icon_url: z.string().min(1).optional(),
  },
  [{ key: 'url', required: true }],
);

/** `slack`: a Slack (or Mattermost/Rocket.Chat compatible) incoming webhook. */
export const slack = defineNotifier({
  type: 'slack',
  configSchema,
  create(config, ctx) {
    const url = requireSecretUrl(config, 'url', ctx);
    const opts = {
      ...(config.channel ? { channel: config.channel } : {}),
      ...(config.username ? { username: config.username } : {}),
      ...(config.icon_emoji ? { icon_emoji: config.icon_emoji } : {}),
      ...(config.icon_url ? { icon_url: config.icon_url } : {}),
    };
    return {
      name: config.name,
      type: 'slack',
      async send(batch, signal) {
        await postJson(
          url,
          slackPayload(batch, opts),
          httpSendOptions(config, ctx, signal, { redact: [url] }),
        );
      },
    };
  },
});
