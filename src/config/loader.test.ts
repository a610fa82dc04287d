import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { ConfigIssuesError } from './issue.js';
import { build } from './loader.js';
import { duration } from './zod.js';

/** A small schema shaped like the real one (sections, a discriminated list, durations). */
const schema = z.strictObject({
  monitor: z
    .strictObject({
      db: z.string().default('thump.db'),
      udp_port: z.number().int().min(1).max(65535).default(43278),
      timeout: duration().default(30_000),
      secret: z.string().optional(),
      secret_file: z.string().optional(),
      legacy: z.boolean().default(false),
    })
    .prefault({}),
  agent: z
    .strictObject({
      id: z.string().optional(),
      to: z.array(z.string()).default([]),
      interval: duration().default(5_000),
      labels: z.record(z.string().regex(/^\w+$/), z.string()).default({}),
    })
    .prefault({}),
  notifiers: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({
          name: z.string(),
          type: z.literal('webhook'),
          url: z.url(),
          token: z.string().optional(),
        }),
        z.strictObject({
          name: z.string(),
          type: z.literal('slack'),
          url: z.url().optional(),
          url_file: z.string().optional(),
          channel: z.string().optional(),
        }),
      ]),
    )
    .default([]),
  level: z.enum(['debug', 'info', 'warn']).default('info'),
});

const BASE = '/etc/thump';

function load(text: string | undefined, env: NodeJS.ProcessEnv = {}, overrides?: object) {
  return build(
    schema,
    text === undefined ? undefined : { text, name: 'thump.yaml', baseDir: BASE },
    env,
    overrides,
  ).config;
}

function errorOf(fn: () => unknown): ConfigIssuesError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigIssuesError);
    return err as ConfigIssuesError;
  }
  throw new Error('expected a ConfigIssuesError, got a valid config');
}

describe('loading a config file', () => {
  it('fills every default from the schema when the file is empty', () => {
    expect(load('')).toEqual({
      monitor: { db: 'thump.db', udp_port: 43278, timeout: 30_000, legacy: false },
      agent: { to: [], interval: 5_000, labels: {} },
      notifiers: [],
      level: 'info',
    });
  });

  it('parses durations written with units into milliseconds', () => {
    expect(load('monitor: { timeout: 1m30s }\nagent: { interval: 250ms }')).toMatchObject({
      monitor: { timeout: 90_000 },
      agent: { interval: 250 },
    });
  });

  const broken: [string, string, string[]][] = [
    [
      'a wrong type',
      'monitor:\n  udp_port: high\n',
      ['thump.yaml:2:3: monitor.udp_port: expected a number, got "high"'],
    ],
    [
      'an out-of-range number',
      'monitor: {udp_port: 70000}',
      ['monitor.udp_port: expected a number <= 65535, got 70000'],
    ],
    [
      'a bad duration',
      'agent:\n  interval: 5 parsecs',
      ['thump.yaml:2:3: agent.interval: expected a duration', '"5 parsecs"'],
    ],
    [
      'an unknown top-level key',
      'monitr: {}',
      ['thump.yaml:1:1: monitr: unknown key; did you mean "monitor"?'],
    ],
    [
      'an unknown nested key',
      'monitor:\n  tmeout: 5s',
      ['thump.yaml:2:3: monitor.tmeout: unknown key; did you mean "timeout"?'],
    ],
    [
      'an unknown notifier type',
      'notifiers:\n  - name: a\n    type: webhok\n    url: http://x/',
      ['thump.yaml:3:5: notifiers[0].type: unknown type "webhok"; expected one of "webhook", "slack"'],
    ],
    [
      'a key that belongs to another notifier type',
      'notifiers:\n  - {name: a, type: webhook, url: "http://x/", channel: ops}',
      ['notifiers[0].channel: unknown key'],
    ],
    [
      'a bad URL in the third notifier',
      'notifiers:\n  - {name: a, type: webhook, url: "http://a/"}\n  - {name: b, type: slack}\n  - {name: c, type: webhook, url: "not a url"}',
      ['thump.yaml:4:30: notifiers[2].url: expected a URL'],
    ],
    [
      'a missing required key',
      'notifiers:\n  - type: webhook\n    url: http://x/',
      ['notifiers[0].name: is required (expected a string)'],
    ],
    ['a bad enum value', 'level: loud', ['level: expected one of "debug", "info", "warn", got "loud"']],
    ['a list where a mapping belongs', 'monitor: [1, 2]', ['monitor: expected a mapping, got a list']],
    [
      'a mapping where a list belongs',
      'agent: { to: { a: 1 } }',
      ['agent.to: expected a list, got a mapping'],
    ],
    [
      'a number where a label text belongs',
      'agent: { labels: { rack: 12 } }',
      ['agent.labels.rack: expected a string, got 12'],
    ],
    [
      'both a secret and its file',
      'monitor: { secret: abc, secret_file: s.txt }',
      ['monitor.secret: at most one of secret & secret_file may be set'],
    ],
    [
      'a boolean given as text',
      'monitor: { legacy: "yes" }',
      ['monitor.legacy: expected true or false, got "yes"'],
    ],
  ];
  it.each(broken)('names the key path for %s', (_what, text, expected) => {
    const err = errorOf(() => load(text));
    for (const e of expected) expect(err.message).toContain(e);
    expect(err.exitCode).toBe(2);
  });

  it('reports every problem at once, one per line', () => {
    const err = errorOf(() => load('monitor:\n  udp_port: x\n  tmeout: 5s\nlevel: loud\nextra: 1\n'));
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'extra',
      'level',
      'monitor.tmeout',
      'monitor.udp_port',
    ]);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('invalid configuration (4 errors):');
    expect(lines).toHaveLength(5);
  });

  it('lists at most 40 problems in the message but keeps all of them on the error', () => {
    const text = Array.from({ length: 100 }, (_, i) => `bad_key_${i}: 1`).join('\n');
    const err = errorOf(() => load(text));
    expect(err.issues).toHaveLength(100);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(42);
    expect(lines[41]).toBe('  ... and 60 more');
  });

  it('never shows a secret or a URL it rejects', () => {
    const err = errorOf(() =>
      load('notifiers:\n  - {name: a, type: webhook, url: "hooks.example/T0/B0/s3cr3tpath", token: 12345}'),
    );
    expect(err.message).toContain('notifiers[0].url');
    expect(err.message).toContain('notifiers[0].token');
    expect(err.message).not.toContain('s3cr3tpath');
    expect(err.message).not.toContain('12345');
  });

  it('reports YAML syntax errors with line and column', () => {
    const err = errorOf(() => load('monitor:\n  db: x\n    timeout: 5s\n'));
    expect(err.message).toMatch(/thump\.yaml:\d+:\d+: YAML syntax error/);
    expect(err.issues[0]?.origin).toMatchObject({ kind: 'file', position: { line: 2, column: 7 } });
  });

  it('rejects duplicate keys, naming the line', () => {
    const err = errorOf(() => load('level: info\nlevel: warn\n'));
    expect(err.message).toMatch(/thump\.yaml:2:1: YAML syntax error: .*unique/i);
  });

  it('rejects a file whose top level is not a mapping', () => {
    expect(errorOf(() => load('- a\n- b\n')).message).toContain(
      'expected a mapping of keys at the top level',
    );
    expect(errorOf(() => load('just text')).message).toContain('expected a mapping of keys at the top level');
  });

  it('treats __proto__ as an unknown key and never pollutes prototypes', () => {
    const err = errorOf(() => load('__proto__: { polluted: true }\nmonitor: { __proto__: { x: 1 } }'));
    expect(err.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['__proto__', 'monitor.__proto__']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports absurdly deep input as a config error, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { b: deep };
    const err = errorOf(() => load(undefined, {}, { monitor: deep }));
    expect(err.message).toContain('nested too deeply');
    expect(errorOf(() => load(`level: ${'['.repeat(5000)}`)).exitCode).toBe(2);
  });

  it('blames the command line for an unknown key that came from flags', () => {
    const err = errorOf(() => load('monitor: { db: x }', {}, { monitor: { dbb: 'y' } }));
    expect(err.message).toBe(
      'invalid configuration: command line: monitor.dbb: unknown key; did you mean "db"?',
    );
  });

  it('throws ConfigError (exit code 2) so the CLI prints one clear message', () => {
    const err = errorOf(() => load('level: loud'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message.split('\n')).toHaveLength(1);
  });
});

describe('relative paths in the file', () => {
  it('resolves *_file keys against the config file folder', () => {
    expect(load('monitor: { secret_file: secrets/hb.key }').monitor.secret_file).toBe(
      '/etc/thump/secrets/hb.key',
    );
    expect(load('monitor: { secret_file: /abs/hb.key }').monitor.secret_file).toBe('/abs/hb.key');
    expect(load('monitor: { secret_file: ~/hb.key }').monitor.secret_file).toBe(`${homedir()}/hb.key`);
  });

  it('resolves paths from env and flags against the working directory', () => {
    const cwd = process.cwd();
    expect(load('', { THUMP_MONITOR__SECRET_FILE: 'hb.key' }).monitor.secret_file).toBe(
      resolve(cwd, 'hb.key'),
    );
    expect(load('', {}, { monitor: { secret_file: 'hb.key' } }).monitor.secret_file).toBe(
      resolve(cwd, 'hb.key'),
    );
    expect(load('', {}, { monitor: { secret_file: '/abs/hb.key' } }).monitor.secret_file).toBe('/abs/hb.key');
  });

  it('leaves URLs in path keys alone (a postgres:// database is not a file)', () => {
    const url = 'postgres://thump@127.0.0.1:5432/thump';
    expect(load(`monitor: { secret_file: "${url}" }`).monitor.secret_file).toBe(url);
    expect(load('', { THUMP_MONITOR__SECRET_FILE: url }).monitor.secret_file).toBe(url);
    expect(load('', {}, { monitor: { secret_file: url } }).monitor.secret_file).toBe(url);
  });

  it('leaves relative defaults alone (they mean the working directory)', () => {
    expect(load('').monitor.db).toBe('thump.db');
  });
});

describe('THUMP_* environment and flag overrides', () => {
  const file = 'monitor:\n  db: file.db\n  udp_port: 1000\nagent:\n  to: [a, b]\n';

  it.each([
    ['schema default', undefined, {}, undefined, 'thump.db'],
    ['file over default', file, {}, undefined, 'file.db'],
    ['env over file', file, { THUMP_MONITOR__DB: 'env.db' }, undefined, 'env.db'],
    ['flag over env', file, { THUMP_MONITOR__DB: 'env.db' }, { monitor: { db: 'flag.db' } }, 'flag.db'],
    [
      'an absent flag leaves env',
      file,
      { THUMP_MONITOR__DB: 'env.db' },
      { monitor: { db: undefined } },
      'env.db',
    ],
    ['an empty env value leaves the file', file, { THUMP_MONITOR__DB: '' }, undefined, 'file.db'],
  ] as const)('applies precedence: %s', (_what, text, env, overrides, db) => {
    expect(load(text, { ...env }, overrides).monitor.db).toBe(db);
  });

  it('reads env values as YAML scalars and gives each key the type it wants', () => {
    const cfg = load(undefined, {
      THUMP_MONITOR__UDP_PORT: '9000',
      THUMP_MONITOR__LEGACY: 'true',
      THUMP_MONITOR__TIMEOUT: '45s',
      THUMP_AGENT__ID: '1234',
      THUMP_AGENT__TO: '[m1:43278, "m2"]',
      THUMP_AGENT__LABELS__RACK: '12',
    });
    expect(cfg.monitor).toMatchObject({ udp_port: 9000, legacy: true, timeout: 45_000 });
    expect(cfg.agent).toMatchObject({ id: '1234', to: ['m1:43278', 'm2'], labels: { rack: '12' } });
  });

  it('turns flag text into numbers only where the key wants a number', () => {
    const cfg = load(undefined, {}, { monitor: { udp_port: '9001' }, agent: { id: '42', interval: '2s' } });
    expect(cfg.monitor.udp_port).toBe(9001);
    expect(cfg.agent).toMatchObject({ id: '42', interval: 2_000 });
  });

  it('replaces a list from a flag but patches one item from env', () => {
    expect(load(file, {}, { agent: { to: ['c'] } }).agent.to).toEqual(['c']);
    expect(load(file, { THUMP_AGENT__TO__1: 'z' }).agent.to).toEqual(['a', 'z']);
    const notifiers = 'notifiers:\n  - {name: ops, type: webhook, url: "http://a/"}\n';
    expect(load(notifiers, { THUMP_NOTIFIERS__0__URL: 'http://b:9/hook' }).notifiers[0]).toMatchObject({
      name: 'ops',
      url: 'http://b:9/hook',
    });
  });

  it('builds a whole list item from env alone', () => {
    const cfg = load(undefined, {
      THUMP_NOTIFIERS__0__NAME: 'ops',
      THUMP_NOTIFIERS__0__TYPE: 'webhook',
      THUMP_NOTIFIERS__0__URL: 'http://127.0.0.1:9/hook',
    });
    expect(cfg.notifiers).toEqual([{ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/hook' }]);
  });

  it('names the variable when an env value is invalid', () => {
    const err = errorOf(() => load(file, { THUMP_MONITOR__UDP_PORT: 'high' }));
    expect(err.message).toBe(
      'invalid configuration: env THUMP_MONITOR__UDP_PORT: monitor.udp_port: expected a number, got "high"',
    );
  });

  it('names the command line when a flag value is invalid', () => {
    const err = errorOf(() => load(file, {}, { agent: { interval: 'soon' } }));
    expect(err.message).toContain('command line: agent.interval: expected a duration');
  });

  it('rejects a nested env name whose section does not exist, suggesting the right one', () => {
    const err = errorOf(() => load(undefined, { THUMP_MONITR__DB: 'x' }));
    expect(err.message).toContain(
      'env THUMP_MONITR__DB: does not name a config key; did you mean THUMP_MONITOR__...?',
    );
  });

  it('rejects an unknown key inside a known section', () => {
    const err = errorOf(() => load(undefined, { THUMP_MONITOR__DBB: 'x' }));
    expect(err.message).toContain('env THUMP_MONITOR__DBB: monitor.dbb: unknown key; did you mean "db"?');
  });

  it('leaves THUMP_SECRET, THUMP_CONFIG and other non-key variables alone', () => {
    expect(() =>
      load(undefined, { THUMP_SECRET: 'x', THUMP_CONFIG: '/x', THUMP_HTTP_TOKEN: 'y', THUMP_DATA: 'z' }),
    ).not.toThrow();
  });

  it('reports which env variables were applied', () => {
    const r = build(
      schema,
      undefined,
      { THUMP_MONITOR__DB: 'a', THUMP_LEVEL: 'warn', PATH: '/bin' },
      undefined,
    );
    expect(r.envApplied).toEqual(['THUMP_LEVEL', 'THUMP_MONITOR__DB']);
    expect(r.config.level).toBe('warn');
  });
});
