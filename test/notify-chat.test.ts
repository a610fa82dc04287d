import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, notifierConfigSchema } from '../src/notify/notifiers/index.js';
import { notifierConformance } from './support/notify-conformance.js';
import { sampleBatch } from './support/notify-fixtures.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';

/** Slack and Discord: incoming webhooks whose URL is the secret. */

const SLACK_PATH = '/services/T000/B000/xoxslacksecret123';
const DISCORD_PATH = '/api/webhooks/123456/discordsecret-abc';

notifierConformance({
  type: 'slack',
  config: (base) => ({ name: 'chat', type: 'slack', url: `${base}${SLACK_PATH}` }),
  secrets: (base) => [`${base}${SLACK_PATH}`, 'xoxslacksecret123', SLACK_PATH],
});

notifierConformance({
  type: 'discord',
  config: (base) => ({ name: 'chat', type: 'discord', url: `${base}${DISCORD_PATH}` }),
  secrets: (base) => [`${base}${DISCORD_PATH}`, 'discordsecret-abc'],
  ok: { status: 204 },
});

describe('slack and discord notifiers: payload', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const signal = () => new AbortController().signal;

  it('posts the title as Slack text and the body in a coloured attachment, escaping <>&', async () => {
    const n = createNotifier(
      notifierConfigSchema.parse({
        name: 'chat',
        type: 'slack',
        url: `${server.url}${SLACK_PATH}`,
        channel: '#ops',
        username: 'thump',
      }),
    );
    await n.send(sampleBatch({ title: '1 host down: <db&1>', text: 'db&1 down' }), signal());
    const req = server.requests.at(-1)!;
    expect(req.url).toBe(SLACK_PATH);
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      text: '1 host down: &lt;db&amp;1&gt;',
      channel: '#ops',
      username: 'thump',
      attachments: [{ color: '#d93f0b', text: 'db&amp;1 down', footer: 'thump' }],
    });
  });

  it('colours a resolved Slack message green', async () => {
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'chat', type: 'slack', url: `${server.url}${SLACK_PATH}` }),
    );
    await n.send(sampleBatch({ kind: 'resolved', title: '2 hosts up' }), signal());
    expect(JSON.parse(server.requests.at(-1)!.body).attachments[0].color).toBe('#2da44e');
  });

  it('posts a Discord embed within its limits and with mentions disabled', async () => {
    server.respond({ status: 204 });
    const n = createNotifier(
      notifierConfigSchema.parse({
        name: 'chat',
        type: 'discord',
        url: `${server.url}${DISCORD_PATH}`,
        username: 'thump',
      }),
    );
    await n.send(sampleBatch({ title: 'x'.repeat(300), text: 'y'.repeat(5000) }), signal());
    const body = JSON.parse(server.requests.at(-1)!.body);
    expect(body.username).toBe('thump');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toHaveLength(300);
    expect(body.embeds[0].title).toHaveLength(256);
    expect(body.embeds[0].description).toHaveLength(4096);
    expect(body.embeds[0].description.endsWith('…')).toBe(true);
    expect(body.embeds[0].timestamp).toBe('2026-11-23T18:00:10.000Z');
  });

  it("reads Discord's retry_after from a 429 body when there is no Retry-After header", async () => {
    server.respond({ status: 429, body: '{"message":"You are being rate limited.","retry_after":1.5}' });
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'chat', type: 'discord', url: `${server.url}${DISCORD_PATH}` }),
    );
    await expect(n.send(sampleBatch(), signal())).rejects.toMatchObject({
      reason: 'http-429',
      retryAfterMs: 1500,
    });
  });
});
