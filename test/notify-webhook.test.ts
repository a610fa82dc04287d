import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNotifier,
  notifierConfigSchema,
  verifyWebhookSignature,
} from '../src/notify/notifiers/index.js';
import { ManualClock } from '../src/util/clock.js';
import { notifierConformance } from './support/notify-conformance.js';
import { sampleBatch, T0 } from './support/notify-fixtures.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { tempDir } from './support/proc.js';

const SECRET = 'hmac-s3cret-value';
const TOKEN = 'Bearer tok-abcdef123456';

notifierConformance({
  type: 'webhook',
  config: (base) => ({
    name: 'hook',
    type: 'webhook',
    url: `${base}/hooks/h-9f8e7d6c5b?key=qk-112233`,
    headers: { Authorization: TOKEN },
    secret: SECRET,
  }),
  secrets: (base) => [`${base}/hooks/h-9f8e7d6c5b`, 'h-9f8e7d6c5b', 'qk-112233', 'tok-abcdef123456', SECRET],
});

describe('webhook notifier: payload', () => {
  let server: CaptureServer;
  const dir = tempDir();
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(async () => {
    await server?.close();
    dir.cleanup();
  });
  const signal = () => new AbortController().signal;

  it('posts the documented JSON document with every event', async () => {
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url: `${server.url}/hook` }),
    );
    server.respond({ status: 204 });
    await n.send(sampleBatch({ notifier: 'ops' }), signal());
    const req = server.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hook');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe('batch-0001');
    expect(req.headers['x-thump-signature']).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({
      version: 1,
      id: 'batch-0001',
      notifier: 'ops',
      kind: 'alert',
      title: '2 hosts down: web-1, web-2',
      text: 'web-1 down since 2026-11-23T18:00:00Z\nweb-2 down since 2026-11-23T18:00:00Z',
      createdAt: '2026-11-23T18:00:10.000Z',
      events: [
        {
          id: 11,
          type: 'down',
          hostId: 'web-1',
          at: '2026-11-23T18:00:00.000Z',
          details: { lastBeatAt: T0 - 3000, timeoutMs: 3000 },
        },
        {
          id: 12,
          type: 'down',
          hostId: 'web-2',
          at: '2026-11-23T18:00:00.000Z',
          details: { lastBeatAt: T0 - 3000, timeoutMs: 3000 },
        },
      ],
    });
  });

  it('signs timestamp.body with HMAC-SHA256 so a receiver can verify it', async () => {
    const clock = new ManualClock(T0 + 5_000);
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url: `${server.url}/hook`, secret: SECRET }),
      { clock },
    );
    server.respond({ status: 200 });
    await n.send(sampleBatch(), signal());
    const req = server.requests.at(-1)!;
    const ts = req.headers['x-thump-timestamp'];
    expect(ts).toBe(String((T0 + 5_000) / 1000));
    const expected = createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex');
    expect(req.headers['x-thump-signature']).toBe(`sha256=${expected}`);
  });

  it('produces signatures that verifyWebhookSignature accepts, and refuses tampering and replays', async () => {
    const clock = new ManualClock(T0);
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url: `${server.url}/hook`, secret: SECRET }),
      { clock },
    );
    server.respond({ status: 200 });
    await n.send(sampleBatch(), signal());
    const req = server.requests.at(-1)!;
    const input = {
      secret: SECRET,
      timestamp: req.headers['x-thump-timestamp'] as string,
      signature: req.headers['x-thump-signature'] as string,
      body: req.body,
      now: T0 + 1000,
    };
    expect(verifyWebhookSignature(input)).toBe(true);
    expect(verifyWebhookSignature({ ...input, body: req.body.replace('web-1', 'web-9') })).toBe(false);
    expect(verifyWebhookSignature({ ...input, secret: 'other-secret' })).toBe(false);
    expect(verifyWebhookSignature({ ...input, now: T0 + 10 * 60_000 })).toBe(false);
    expect(verifyWebhookSignature({ ...input, signature: undefined })).toBe(false);
  });

  it('sends custom headers and reads url and secret from files relative to the config folder', async () => {
    writeFileSync(join(dir.path, 'url'), `${server.url}/from-file\n`);
    writeFileSync(join(dir.path, 'secret'), 'file-secret\n');
    const n = createNotifier(
      notifierConfigSchema.parse({
        name: 'ops',
        type: 'webhook',
        url_file: 'url',
        secret_file: 'secret',
        signature_header: 'X-Sig',
        headers: { 'X-Team': 'ops' },
      }),
      { baseDir: dir.path },
    );
    server.respond({ status: 200 });
    await n.send(sampleBatch(), signal());
    const req = server.requests.at(-1)!;
    expect(req.url).toBe('/from-file');
    expect(req.headers['x-team']).toBe('ops');
    const expected = createHmac('sha256', 'file-secret')
      .update(`${req.headers['x-thump-timestamp']}.${req.body}`)
      .digest('hex');
    expect(req.headers['x-sig']).toBe(`sha256=${expected}`);
  });

  it('takes the url from an environment variable', async () => {
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url_env: 'HOOK_URL' }),
      {
        env: { HOOK_URL: `${server.url}/from-env` },
      },
    );
    server.respond({ status: 200 });
    await n.send(sampleBatch(), signal());
    expect(server.requests.at(-1)!.url).toBe('/from-env');
  });

  it('rejects a config with both url and url_file, naming the keys', () => {
    const r = notifierConfigSchema.safeParse({
      name: 'ops',
      type: 'webhook',
      url: 'http://x',
      url_file: 'f',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('exactly one of url, url_file & url_env must be configured');
  });

  it('fails at creation when the url file is missing, without the url in the message', () => {
    const cfg = notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url_file: 'nope' });
    expect(() => createNotifier(cfg, { baseDir: dir.path })).toThrow(
      /notifiers\.ops\.url_file: cannot read secret file .*no such file/,
    );
  });

  it('refuses a url that is not http(s) without echoing it', () => {
    const cfg = notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url: 'ftp://secret-host/x' });
    expect(() => createNotifier(cfg)).toThrow('notifiers.ops.url: expected an http:// or https:// URL');
  });
});
