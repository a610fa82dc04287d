import { z } from 'zod';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, httpSendOptions, httpUrl, notifierSchema, secretShape } from './define.js';
import { bodyText, joinUrl, truncate } from './format.js';
import { requireSecret } from './secrets.js';

/** A `note` push (https://docs.pushbullet.com/#create-push), to all devices unless a target is set. */
export function pushbulletPayload(
  batch: NotificationBatch,
  target: { device_iden?: string; channel_tag?: string; email?: string } = {},
): Record<string, unknown> {
  return {
    type: 'note',
    title: truncate(batch.title, 250),
    body: truncate(bodyText(batch), 4000),
    ...target,
  };
}

const configSchema = notifierSchema(
  'pushbullet',
  {
    /** Access token from https://www.pushbullet.com/#settings/account, sent as `Access-Token`. */
    ...secretShape('token'),
    base_url: httpUrl().default('https://api.pushbullet.com'),
    device_iden: z.string().min(1).optional(),
    channel_tag: z.string().min(1).optional(),
    email: z.string().min(3).optional(),
  },
  [{ key: 'token', required: true }],
).superRefine((v, ctx) => {
  const targets = [v.device_iden, v.channel_tag, v.email].filter((t) => t !== undefined);
  if (targets.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['device_iden'],
      message: 'at most one of device_iden, channel_tag & email must be configured',
    });
  }
});

/** `pushbullet`: a note pushed to a Pushbullet account, device, channel or e-mail address. */
export const pushbullet = defineNotifier({
  type: 'pushbullet',
  configSchema,
  create(config, ctx) {
    const token = requireSecret(config, 'token', ctx);
    const url = joinUrl(config.base_url, '/v2/pushes');
    const target = {
      ...(config.device_iden ? { device_iden: config.device_iden } : {}),
      ...(config.channel_tag ? { channel_tag: config.channel_tag } : {}),
      ...(config.email ? { email: config.email } : {}),
    };
    return {
      name: config.name,
      type: 'pushbullet',
      async send(batch, signal) {
        await postJson(
          url,
          pushbulletPayload(batch, target),
          httpSendOptions(config, ctx, signal, {
            headers: { 'access-token': token },
            redact: [token],
            showPath: true,
          }),
        );
      },
    };
  },
});
