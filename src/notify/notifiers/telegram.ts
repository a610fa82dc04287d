import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, httpUrl, notifierSchema, secretShape } from './define.js';
import { bodyText, escapeHtml, joinUrl, truncate } from './format.js';
import { requireSecret } from './secrets.js';

/** Telegram's limit for one message, in characters after entity parsing; we count conservatively. */
const MAX_TEXT = 4096;

/**
 * The sendMessage body (https://core.telegram.org/bots/api#sendmessage) in Telegram's HTML
 * subset: bold title, then the text. Cut so that an escaped entity is never split.
 */
export function telegramPayload(
  batch: NotificationBatch,
  opts: { chat_id: string | number; message_thread_id?: number; disable_notification?: boolean },
): Record<string, unknown> {
  const head = `<b>${escapeHtml(truncate(batch.title, 512))}</b>`;
  const budget = MAX_TEXT - head.length - 2;
  const raw = bodyText(batch) === batch.title ? '' : bodyText(batch);
  const body = escapeWithin(raw, budget);
  return {
    chat_id: opts.chat_id,
    text: body === '' ? head : `${head}\n\n${body}`,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(opts.message_thread_id !== undefined ? { message_thread_id: opts.message_thread_id } : {}),
    ...(opts.disable_notification ? { disable_notification: true } : {}),
  };
}

/** Escapes `text` and cuts it (marking the cut with `…`) so the result fits `max` characters. */
function escapeWithin(text: string, max: number): string {
  const full = escapeHtml(text);
  if (full.length <= max) return full;
  let out = '';
  for (const ch of text) {
    const e = escapeHtml(ch);
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return `${out}…`;
}

/** Telegram's 429 body: `{"parameters":{"retry_after":N}}` (seconds). */
function telegramRetryAfter(body: string): number | undefined {
  try {
    const v = (JSON.parse(body) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    return typeof v === 'number' && v >= 0 ? v * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const configSchema = notifierSchema(
  'telegram',
  {
    /** Bot token from @BotFather (`123456:ABC...`); it travels in the URL path. */
    ...secretShape('token'),
    /** Numeric chat id or `@channelusername`. */
    chat_id: z.union([z.number().int(), z.string().min(1)]),
    /** Forum topic to post in. */
    message_thread_id: z.number().int().optional(),
    /** Deliver resolved and test messages silently (alerts always make a sound). */
    quiet_resolved: z.boolean().default(false),
    api_url: httpUrl().default('https://api.telegram.org'),
  },
  [{ key: 'token', required: true }],
);

/** `telegram`: a message from a bot to a chat, group or channel. */
export const telegram = defineNotifier({
  type: 'telegram',
  configSchema,
  create(config, ctx) {
    const token = requireSecret(config, 'token', ctx);
    const url = joinUrl(config.api_url, `/bot${token}/sendMessage`);
    return {
      name: config.name,
      type: 'telegram',
      async send(batch, signal) {
        const quiet = config.quiet_resolved && (batch.kind === 'resolved' || batch.kind === 'test');
        const body = telegramPayload(batch, {
          chat_id: config.chat_id,
          ...(config.message_thread_id !== undefined ? { message_thread_id: config.message_thread_id } : {}),
          disable_notification: quiet,
        });
        await postJson(
          url,
          body,
          httpSendOptions(config, ctx, signal, { redact: [token], retryAfterFromBody: telegramRetryAfter }),
        );
      },
    };
  },
});
