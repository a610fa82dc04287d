import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import {
  defineNotifier,
  httpSendOptions,
  httpUrl,
  notifierSchema,
  secretShape,
  usernamePasswordRule,
} from './define.js';
import { bodyText, truncate } from './format.js';
import { resolveHttpAuth } from './secrets.js';

/** ntfy priorities by name (https://docs.ntfy.sh/publish/#message-priority). */
const PRIORITY = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 } as const;

const priority = () =>
  z
    .union([z.number().int().min(1).max(5), z.enum(Object.keys(PRIORITY) as [keyof typeof PRIORITY])])
    .transform((p) => (typeof p === 'number' ? p : PRIORITY[p]));

/** Emoji shortcodes ntfy shows in front of the title. */
const KIND_TAGS: Record<NotificationBatch['kind'], string> = {
  alert: 'rotating_light',
  reminder: 'bell',
  resolved: 'white_check_mark',
  test: 'test_tube',
};

/**
 * The JSON publish body (https://docs.ntfy.sh/publish/#publish-as-json): POSTed to the
 * server root with the topic inside. Alerts and reminders use `priority`, resolved and
 * test messages `resolved_priority`.
 */
export function ntfyPayload(
  batch: NotificationBatch,
  opts: { topic: string; priority: number; resolved_priority: number; tags: string[]; click?: string },
): Record<string, unknown> {
  const urgent = batch.kind === 'alert' || batch.kind === 'reminder';
  return {
    topic: opts.topic,
    title: truncate(batch.title, 250),
    message: truncate(bodyText(batch), 4000),
    priority: urgent ? opts.priority : opts.resolved_priority,
    tags: [KIND_TAGS[batch.kind], ...opts.tags],
    ...(opts.click ? { click: opts.click } : {}),
  };
}

const configSchema = notifierSchema(
  'ntfy',
  {
    server: httpUrl().default('https://ntfy.sh'),
    /** Topic name; on public servers it works like a password, so it is kept out of messages. */
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'expected 1-64 letters, digits, "-" or "_"'),
    priority: priority().default(4),
    resolved_priority: priority().default(3),
    tags: z.array(z.string().min(1)).default([]),
    /** URL opened when the notification is tapped (e.g. the dashboard). */
    click: httpUrl().optional(),
    /** Access token (`tk_...`), sent as `Authorization: Bearer`. */
    ...secretShape('token'),
    /** Basic auth instead of a token. */
    username: z.string().min(1).optional(),
    ...secretShape('password'),
  },
  [
    { key: 'token', required: false },
    { key: 'password', required: false },
  ],
).superRefine((v, ctx) => {
  usernamePasswordRule(v, ctx);
  const hasToken = v.token !== undefined || v.token_file !== undefined || v.token_env !== undefined;
  if (hasToken && v.username !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: 'at most one of token & username must be configured',
    });
  }
});

/** `ntfy`: push to phones and desktops through an ntfy server (ntfy.sh or self-hosted). */
export const ntfy = defineNotifier({
  type: 'ntfy',
  configSchema,
  create(config, ctx) {
    const auth = resolveHttpAuth(config, ctx);
    const headers = auth.headers;
    const opts = {
      topic: config.topic,
      priority: config.priority,
      resolved_priority: config.resolved_priority,
      tags: config.tags,
      ...(config.click ? { click: config.click } : {}),
    };
    const redact = [config.topic, ...auth.redact];
    return {
      name: config.name,
      type: 'ntfy',
      async send(batch, signal) {
        await postJson(
          config.server,
          ntfyPayload(batch, opts),
          httpSendOptions(config, ctx, signal, { headers, redact }),
        );
      },
    };
  },
});
