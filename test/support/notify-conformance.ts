import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotifyError, type NotifyError } from '../../src/notify/errors.js';
import {
  createNotifier,
  type NotifierContext,
  notifierConfigSchema,
} from '../../src/notify/notifiers/index.js';
import type { Notifier } from '../../src/notify/types.js';
import { captureLogger, sampleBatch } from './notify-fixtures.js';
import { type CaptureServer, startCaptureServer } from './notify-http.js';
import { freeTcpPort } from './proc.js';

/** How one HTTP notifier plugs into the shared conformance cases. */
export interface ConformanceOptions {
  type: string;
  /** A raw (unparsed) config for a notifier whose endpoint is the server at `baseUrl`. */
  config(baseUrl: string): Record<string, unknown>;
  /** Secret strings in that config (tokens, passwords, the webhook URL): never in errors or logs. */
  secrets(baseUrl: string): string[];
  /** The provider's success answer (default 200 `ok`). */
  ok?: { status: number; body?: string; headers?: Record<string, string> };
  ctx?: NotifierContext;
}

/**
 * The cases every HTTP notifier must pass against a real loopback listener (hono's
 * `common.case` pattern): 2xx ok; 429/5xx retryable with Retry-After; other 4xx permanent;
 * redirects not followed;
 * timeout and network errors retryable; cancellation; no secret in any error or log line.
 */
export function notifierConformance(opts: ConformanceOptions): void {
  describe(`${opts.type} notifier: conformance`, () => {
    let server: CaptureServer;
    const logger = captureLogger();

    beforeAll(async () => {
      server = await startCaptureServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    const make = (baseUrl: string, extra: Record<string, unknown> = {}): Notifier =>
      createNotifier(notifierConfigSchema.parse({ ...opts.config(baseUrl), ...extra }), {
        ...opts.ctx,
        logger,
      });

    const failure = async (n: Notifier, signal = new AbortController().signal): Promise<NotifyError> => {
      let caught: unknown;
      try {
        await n.send(sampleBatch(), signal);
      } catch (err) {
        caught = err;
      }
      if (!isNotifyError(caught)) throw new Error(`expected a NotifyError, got ${String(caught)}`);
      return caught;
    };

    const expectNoSecret = (err: NotifyError, baseUrl: string) => {
      const text = [err.message, err.stack ?? '', JSON.stringify(err), ...logger.lines].join('\n');
      for (const s of opts.secrets(baseUrl)) expect(text).not.toContain(s);
    };

    it('resolves on the provider success status and sends exactly one request', async () => {
      server.respond(opts.ok ?? { status: 200, body: 'ok' });
      const before = server.requests.length;
      await make(server.url).send(sampleBatch(), new AbortController().signal);
      expect(server.requests.length).toBe(before + 1);
    });

    it('also resolves on any other 2xx', async () => {
      server.respond({ status: 202, body: '' });
      await make(server.url).send(sampleBatch(), new AbortController().signal);
    });

    it.each([500, 502, 503])('treats HTTP %i as retryable http-5xx and reads Retry-After', async (status) => {
      server.respond({ status, headers: { 'retry-after': '7' }, body: 'upstream trouble' });
      const err = await failure(make(server.url));
      expect(err).toMatchObject({ name: 'NotifyError', retryable: true, reason: 'http-5xx', status });
      expect(err.retryAfterMs).toBe(7000);
      expectNoSecret(err, server.url);
    });

    it('treats HTTP 429 as retryable and reads an HTTP-date Retry-After', async () => {
      const at = new Date(Date.now() + 120_000).toUTCString();
      server.respond({ status: 429, headers: { 'retry-after': at }, body: 'slow down' });
      const err = await failure(make(server.url));
      expect(err).toMatchObject({ retryable: true, reason: 'http-429', status: 429 });
      expect(err.retryAfterMs).toBeGreaterThan(60_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(121_000);
    });

    it.each([400, 401, 403, 404, 410])('treats HTTP %i as permanent http-4xx', async (status) => {
      server.respond({ status, body: 'no such hook' });
      const err = await failure(make(server.url));
      expect(err).toMatchObject({ retryable: false, reason: 'http-4xx', status });
      expect(err.retryAfterMs).toBeUndefined();
      expect(err.message).toContain(String(status));
    });

    it.each([301, 302, 307, 308])(
      'does not follow an HTTP %i redirect and calls it permanent',
      async (status) => {
        server.respond({ status, headers: { location: `${server.url}/elsewhere/secret-location-path` } });
        const before = server.requests.length;
        const err = await failure(make(server.url));
        expect(err).toMatchObject({ retryable: false, reason: 'http-3xx', status });
        expect(server.requests.length).toBe(before + 1);
        expect(err.message).not.toContain('secret-location-path');
      },
    );

    it('gives up with a retryable timeout when the endpoint never answers', async () => {
      server.respond('hang');
      const started = Date.now();
      const err = await failure(make(server.url, { timeout: '300ms' }));
      expect(err).toMatchObject({ retryable: true, reason: 'timeout' });
      // Behaviour, not speed: it ended on its own, long before the 60 s test budget.
      expect(Date.now() - started).toBeLessThan(30_000);
      expectNoSecret(err, server.url);
    });

    it('counts reading the answer in the timeout when the body stalls', async () => {
      server.respond('stall-body');
      const err = await failure(make(server.url, { timeout: '500ms' }));
      expect(err).toMatchObject({ retryable: true, reason: 'timeout' });
    });

    it('reports a refused connection as a retryable network error', async () => {
      const closed = `http://127.0.0.1:${await freeTcpPort()}`;
      const err = await failure(make(closed));
      expect(err).toMatchObject({ retryable: true, reason: 'network' });
      expect(err.message).toContain('network error (ECONNREFUSED)');
      expectNoSecret(err, closed);
    });

    it('stops when the caller aborts and says so', async () => {
      server.respond('hang');
      const ac = new AbortController();
      const pending = failure(make(server.url), ac.signal);
      setTimeout(() => ac.abort(), 50);
      const err = await pending;
      expect(err).toMatchObject({ retryable: true, reason: 'aborted' });
    });

    it('never puts a secret in an error or a log line, even when the endpoint echoes the request', async () => {
      server.respond((req) => ({
        status: 401,
        body: `denied ${req.method} ${req.url} ${JSON.stringify(req.headers)} ${req.body}`,
      }));
      const err = await failure(make(server.url));
      expect(err.reason).toBe('http-4xx');
      expectNoSecret(err, server.url);
      expect(logger.lines.length).toBeGreaterThan(0);
    });
  });
}
