import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { tryParseDuration } from '../util/duration.js';
import { durationText, formatConfig } from './format.js';
import { build } from './loader.js';
import { isSecretKey, REDACTED, redactConfig, redactUrl } from './redact.js';
import { duration } from './zod.js';

const schema = z.strictObject({
  monitor: z
    .strictObject({
      timeout: duration().default(30_000),
      grace: duration().optional(),
      secret: z.string().optional(),
      secret_file: z.string().optional(),
      port: z.number().default(43278),
    })
    .prefault({}),
  notifiers: z
    .array(
      z.strictObject({
        name: z.string(),
        url: z.string(),
        headers: z.record(z.string(), z.string()).optional(),
        bot_token: z.string().optional(),
      }),
    )
    .default([]),
});

describe('durationText', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [4 * 3_600_000, '4h'],
    [86_400_000 + 1, '1d1ms'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('round-trips through the duration parser for any whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(tryParseDuration(durationText(ms))).toBe(ms);
      }),
    );
  });
});

describe('formatConfig', () => {
  it('writes durations back with units and hides secrets', () => {
    const cfg = build(
      schema,
      {
        text: 'monitor: { timeout: 90s, secret: hunter2 }\nnotifiers:\n  - name: ops\n    url: https://hooks.slack.com/services/T0/B0/XYZ\n    headers: { Authorization: Bearer abc }\n    bot_token: "123:ABC"\n',
        name: 't.yaml',
        baseDir: '/',
      },
      {},
      undefined,
    ).config;
    const text = formatConfig(cfg, schema);
    expect(text).toContain('timeout: 1m30s');
    expect(text).toContain('port: 43278');
    expect(text).not.toMatch(/hunter2|XYZ|Bearer abc|123:ABC/);
    expect(parse(text)).toEqual({
      monitor: { timeout: '1m30s', secret: REDACTED, port: 43278 },
      notifiers: [
        {
          name: 'ops',
          url: 'https://hooks.slack.com/…',
          headers: { Authorization: REDACTED },
          bot_token: REDACTED,
        },
      ],
    });
  });

  it('prints a config that loads back to the same values (no secrets involved)', () => {
    const arb = fc.record({
      monitor: fc.record(
        {
          timeout: fc.integer({ min: 0, max: 1e9 }),
          grace: fc.integer({ min: 0, max: 1e9 }),
          port: fc.integer(),
        },
        { requiredKeys: [] },
      ),
      notifiers: fc.array(fc.record({ name: fc.string(), url: fc.constantFrom('a', 'b c', '') })),
    });
    fc.assert(
      fc.property(arb, (input) => {
        const raw = {
          monitor: Object.fromEntries(
            Object.entries(input.monitor).map(([k, v]) => [k, k === 'port' ? v : durationText(v)]),
          ),
          notifiers: input.notifiers,
        };
        const first = build(schema, undefined, {}, raw).config;
        const again = build(
          schema,
          { text: formatConfig(first, schema), name: 'p.yaml', baseDir: '/' },
          {},
          undefined,
        );
        expect(again.config).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});

describe('redaction', () => {
  it.each([
    ['secret', true],
    ['token', true],
    ['bot_token', true],
    ['password', true],
    ['api_key', true],
    ['secret_file', false],
    ['token_file', false],
    ['key_id', false],
    ['name', false],
    ['bypass', false],
  ])('treats %s as secret: %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it.each([
    ['https://hooks.slack.com/services/T/B/X', 'https://hooks.slack.com/…'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000/'],
    ['http://user:pw@host:1/x?token=y', 'http://***@host:1/…'],
    ['redis://:pw@127.0.0.1:6379', 'redis://***@127.0.0.1:6379'],
    ['not a url', 'not a url'],
  ])('shortens %s to %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('never leaves a value under a secret key, however deep', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (noise, s) => {
        const secret = `S3CR3T-${s}`;
        const cfg = { a: { b: [{ token: secret, password: { nested: secret } }] }, noise };
        const text = JSON.stringify(redactConfig(cfg).a);
        expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
      }),
    );
  });
});
