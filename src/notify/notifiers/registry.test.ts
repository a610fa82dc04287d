import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNotifier, notifierConfigSchema, notifierListSchema, notifierTypes } from './index.js';
import { resolveSecret } from './secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const issues = (
  v: unknown,
  schema: {
    safeParse(v: unknown): { error?: { issues: { path: PropertyKey[]; message: string }[] } };
  } = notifierConfigSchema,
) => (schema.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('notifier registry', () => {
  it('offers every documented notifier type', () => {
    expect(Object.keys(notifierTypes).sort()).toEqual(
      [
        'alertmanager',
        'command',
        'discord',
        'email',
        'gotify',
        'ntfy',
        'pushbullet',
        'slack',
        'telegram',
        'webhook',
      ].sort(),
    );
  });

  it('applies schema defaults, e.g. a 10 s timeout', () => {
    const c = notifierConfigSchema.parse({ name: 'ops', type: 'webhook', url: 'http://127.0.0.1/x' });
    expect(c).toMatchObject({ timeout: 10_000, headers: {}, signature_header: 'X-Thump-Signature' });
  });

  it('names the offending key for unknown types, unknown keys and bad values', () => {
    expect(issues({ name: 'a', type: 'pager' })).toEqual([
      "type: Invalid discriminator value. Expected 'webhook' | 'slack' | 'discord' | 'ntfy' | 'pushbullet' | 'gotify' | 'telegram' | 'email' | 'alertmanager' | 'command'",
    ]);
    expect(issues({ name: 'a', type: 'webhook', url: 'http://x', urll: 'y' })).toEqual([
      ': Unrecognized key: "urll"',
    ]);
    expect(issues({ name: 'a', type: 'webhook', url: 'http://x', timeout: 'soon' })[0]).toMatch(
      /^timeout: expected a duration/,
    );
    expect(issues({ name: 'a', type: 'webhook', url: 'http://x', timeout: '0s' })).toEqual([
      'timeout: expected a duration above zero, e.g. 10s',
    ]);
    expect(issues({ name: 'bad name', type: 'webhook', url: 'http://x' })[0]).toMatch(
      /^name: expected a name/,
    );
  });

  it('requires exactly one of a secret, its file and its variable', () => {
    expect(issues({ name: 'a', type: 'telegram', chat_id: 1 })).toEqual([
      'token: exactly one of token, token_file & token_env must be configured',
    ]);
    expect(issues({ name: 'a', type: 'telegram', chat_id: 1, token: 't', token_env: 'T' })).toEqual([
      'token_env: exactly one of token, token_file & token_env must be configured',
    ]);
  });

  it('rejects duplicate names in the notifier list, pointing at the second one', () => {
    const list = [
      { name: 'ops', type: 'webhook', url: 'http://127.0.0.1/a' },
      { name: 'ops', type: 'slack', url: 'http://127.0.0.1/b' },
    ];
    expect(issues(list, notifierListSchema)).toEqual([
      '1.name: duplicate notifier name "ops" (also used by entry 0)',
    ]);
  });

  it('reads a secret file relative to the config folder, dropping the trailing newline', () => {
    writeFileSync(join(dir, 'tok'), 's3cret\n');
    expect(resolveSecret({ name: 'n', token_file: 'tok' }, 'token', { baseDir: dir })).toBe('s3cret');
  });

  it('fails creation with a ConfigError naming the key when a secret variable is missing', () => {
    const c = notifierConfigSchema.parse({
      name: 'p',
      type: 'gotify',
      url: 'http://127.0.0.1',
      token_env: 'NOPE_TOKEN',
    });
    expect(() => createNotifier(c, { env: {} })).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        exitCode: 2,
        message: 'notifiers.p.token_env: environment variable NOPE_TOKEN is not set or empty',
      }),
    );
  });
});
