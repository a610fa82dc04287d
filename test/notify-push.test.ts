import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, notifierConfigSchema } from '../src/notify/notifiers/index.js';
import { notifierConformance } from './support/notify-conformance.js';
import { sampleBatch } from './support/notify-fixtures.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';

/** Push services: ntfy, Pushbullet, Gotify, Telegram. */

const NTFY_TOKEN = 'tk_ntfysecrettoken01';
const PB_TOKEN = 'o.pushbulletsecret42';
const GOTIFY_TOKEN = 'Agotifysecret77';
const TG_TOKEN = '123456:AAtelegramSecretToken';

notifierConformance({
  type: 'ntfy',
  config: (base) => ({
    name: 'push',
    type: 'ntfy',
    server: base,
    topic: 'thump-topic-9x7',
    token: NTFY_TOKEN,
  }),
  secrets: () => [NTFY_TOKEN, 'thump-topic-9x7'],
});
notifierConformance({
  type: 'pushbullet',
  config: (base) => ({ name: 'push', type: 'pushbullet', base_url: base, token: PB_TOKEN }),
  secrets: () => [PB_TOKEN],
});
notifierConformance({
  type: 'gotify',
  config: (base) => ({ name: 'push', type: 'gotify', url: base, token: GOTIFY_TOKEN }),
  secrets: () => [GOTIFY_TOKEN],
});
notifierConformance({
  type: 'telegram',
  config: (base) => ({ name: 'push', type: 'telegram', api_url: base, token: TG_TOKEN, chat_id: -100123 }),
  secrets: () => [TG_TOKEN, encodeURIComponent(TG_TOKEN), 'AAtelegramSecretToken'],
});

describe('push notifiers: payload', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const signal = () => new AbortController().signal;
  const make = (raw: Record<string, unknown>) => createNotifier(notifierConfigSchema.parse(raw));

  it('publishes ntfy JSON to the server root with topic, priority by kind, tags and the bearer token', async () => {
    const n = make({
      name: 'p',
      type: 'ntfy',
      server: server.url,
      topic: 'ops',
      token: NTFY_TOKEN,
      tags: ['srv'],
    });
    await n.send(sampleBatch(), signal());
    let req = server.requests.at(-1)!;
    expect(req.url).toBe('/');
    expect(req.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    expect(JSON.parse(req.body)).toEqual({
      topic: 'ops',
      title: '2 hosts down: web-1, web-2',
      message: 'web-1 down since 2026-11-23T18:00:00Z\nweb-2 down since 2026-11-23T18:00:00Z',
      priority: 4,
      tags: ['rotating_light', 'srv'],
    });
    await n.send(sampleBatch({ kind: 'resolved' }), signal());
    req = server.requests.at(-1)!;
    expect(JSON.parse(req.body)).toMatchObject({ priority: 3, tags: ['white_check_mark', 'srv'] });
  });

  it('accepts ntfy priority names and basic auth', async () => {
    const n = make({
      name: 'p',
      type: 'ntfy',
      server: `${server.url}/`,
      topic: 'ops',
      priority: 'urgent',
      username: 'alice',
      password: 'pw-secret',
    });
    await n.send(sampleBatch(), signal());
    const req = server.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('alice:pw-secret').toString('base64')}`);
    expect(JSON.parse(req.body).priority).toBe(5);
  });

  it('rejects an ntfy username without a password', () => {
    const r = notifierConfigSchema.safeParse({ name: 'p', type: 'ntfy', topic: 'ops', username: 'alice' });
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain(
      'username: username and password go together',
    );
  });

  it('pushes a Pushbullet note with the Access-Token header and an optional target', async () => {
    const n = make({
      name: 'p',
      type: 'pushbullet',
      base_url: server.url,
      token: PB_TOKEN,
      channel_tag: 'ops',
    });
    await n.send(sampleBatch(), signal());
    const req = server.requests.at(-1)!;
    expect(req.url).toBe('/v2/pushes');
    expect(req.headers['access-token']).toBe(PB_TOKEN);
    expect(JSON.parse(req.body)).toEqual({
      type: 'note',
      title: '2 hosts down: web-1, web-2',
      body: 'web-1 down since 2026-11-23T18:00:00Z\nweb-2 down since 2026-11-23T18:00:00Z',
      channel_tag: 'ops',
    });
  });

  it('posts a Gotify message under a sub-path with X-Gotify-Key and priority by kind', async () => {
    const n = make({ name: 'p', type: 'gotify', url: `${server.url}/gotify/`, token: GOTIFY_TOKEN });
    await n.send(sampleBatch(), signal());
    let req = server.requests.at(-1)!;
    expect(req.url).toBe('/gotify/message');
    expect(req.headers['x-gotify-key']).toBe(GOTIFY_TOKEN);
    expect(JSON.parse(req.body)).toMatchObject({ title: '2 hosts down: web-1, web-2', priority: 8 });
    await n.send(sampleBatch({ kind: 'resolved' }), signal());
    req = server.requests.at(-1)!;
    expect(JSON.parse(req.body).priority).toBe(4);
  });

  it('sends a Telegram HTML message to the bot path with the chat id, escaping markup', async () => {
    const n = make({
      name: 'p',
      type: 'telegram',
      api_url: server.url,
      token: TG_TOKEN,
      chat_id: '@ops',
      quiet_resolved: true,
    });
    server.respond({ status: 200, body: '{"ok":true,"result":{}}' });
    await n.send(sampleBatch({ title: 'db<1> & db<2> down', text: 'a < b' }), signal());
    let req = server.requests.at(-1)!;
    expect(req.url).toBe(`/bot${TG_TOKEN}/sendMessage`);
    expect(JSON.parse(req.body)).toMatchObject({
      chat_id: '@ops',
      parse_mode: 'HTML',
      text: '<b>db&lt;1&gt; &amp; db&lt;2&gt; down</b>\n\na &lt; b',
    });
    expect(JSON.parse(req.body).disable_notification).toBeUndefined();
    await n.send(sampleBatch({ kind: 'resolved' }), signal());
    req = server.requests.at(-1)!;
    expect(JSON.parse(req.body).disable_notification).toBe(true);
  });

  it('keeps a long Telegram message within 4096 characters without splitting an entity', async () => {
    const n = make({ name: 'p', type: 'telegram', api_url: server.url, token: TG_TOKEN, chat_id: 1 });
    server.respond({ status: 200, body: '{"ok":true}' });
    await n.send(sampleBatch({ text: '<&>'.repeat(3000) }), signal());
    const text: string = JSON.parse(server.requests.at(-1)!.body).text;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/(&lt;|&amp;|&gt;)…$/);
  });

  it("reads Telegram's parameters.retry_after from a 429 answer", async () => {
    const n = make({ name: 'p', type: 'telegram', api_url: server.url, token: TG_TOKEN, chat_id: 1 });
    server.respond({
      status: 429,
      body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 9","parameters":{"retry_after":9}}',
    });
    await expect(n.send(sampleBatch(), signal())).rejects.toMatchObject({
      reason: 'http-429',
      retryAfterMs: 9000,
    });
  });
});
