import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ConfigIssuesError } from '../config/issue.js';
import { parseConfigText } from '../config/loader.js';
import { keysAt } from '../config/schema-walk.js';
import { ConfigError } from '../errors.js';
import { configSchema } from './config-schema.js';

/** The loader's whole contract under hostile input: a config, or a ConfigError. */
function outcome(run: () => unknown): 'ok' | 'config-error' {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Every issue names where it came from and says something.
    for (const i of (err as ConfigIssuesError).issues ?? []) expect(i.message.length).toBeGreaterThan(0);
    // A refinement that throws is a thump bug even though the user still gets exit 2.
    expect(err.message).not.toContain('could not be validated');
    return 'config-error';
  }
}

const topKeys = keysAt(configSchema, []);

/** Fragments that look like thump.yaml: real keys, YAML punctuation, durations, junk. */
const token = fc.oneof(
  fc.constantFrom(...topKeys, 'name', 'type', 'url', 'webhook', 'hosts', 'interval', 'timeout', 'group_wait'),
  fc.constantFrom(
    ':',
    ': ',
    '\n',
    '\n  ',
    '  - ',
    '- ',
    '[',
    ']',
    '{',
    '}',
    ',',
    '"',
    "'",
    '#',
    '&a',
    '*a',
    '!!str',
    '|',
    '>',
    '---',
    '...',
    '\t',
    '?',
    '%YAML 1.2',
  ),
  fc.constantFrom(
    '10s',
    '5m',
    '0',
    '-1',
    '1e309',
    'true',
    'null',
    '~',
    '.nan',
    '0x10',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 8 }),
);

const yamlish = fc.array(token, { maxLength: 60 }).map((parts) => parts.join(''));

/** Random plain data shaped roughly like a config: real top-level keys with random values. */
const configish = fc.dictionary(
  fc.oneof(fc.constantFrom(...topKeys), fc.string({ maxLength: 6 })),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.constantFrom('group_wait', 'url', 'name', 'type', 'listen', 'token', 'hosts'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    fc.array(
      fc.dictionary(
        fc.constantFrom('name', 'type', 'url', 'hosts', 'notifiers', 'cron', 'duration', 'ends_at', 'parent'),
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constantFrom('webhook', 'slack', '* * * * *', '1h', '2030-01-01T00:00:00Z'),
        ),
      ),
      { maxLength: 3 },
    ),
  ),
);

describe('loader fuzzing', () => {
  it('returns a config or throws ConfigError for any YAML-ish text', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        outcome(() => parseConfigText(configSchema, text, 'fuzz.yaml'));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns a config or throws ConfigError for any object written as YAML', () => {
    fc.assert(
      fc.property(configish, (obj) => {
        outcome(() => parseConfigText(configSchema, stringify(obj), 'fuzz.yaml'));
      }),
      { numRuns: 250 },
    );
  });

  it('returns a config or throws ConfigError for any object given as overrides', () => {
    fc.assert(
      fc.property(configish, fc.dictionary(fc.string(), fc.string()), (obj, env) => {
        const thumpEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [`THUMP_${k}`, v]));
        outcome(() => parseConfigText(configSchema, '', 'fuzz.yaml', { overrides: obj, env: thumpEnv }));
      }),
      { numRuns: 300 },
    );
  });

  it('returns a config or throws ConfigError for random env overrides of real keys', () => {
    const name = fc
      .array(
        fc.oneof(
          fc.constantFrom(...topKeys.map((k) => k.toUpperCase())),
          fc.constantFrom('0', '1', 'URL', 'NAME', 'GROUP_WAIT', 'X'),
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((segs) => `THUMP_${segs.join('__')}`);
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.oneof(fc.string(), fc.constantFrom('10s', '[a, b]', '{a: 1}', '1', 'true'))),
        (env) => {
          outcome(() => parseConfigText(configSchema, '', 'fuzz.yaml', { env }));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never echoes a rejected secret or URL in an error', () => {
    const secretish = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Zq${s.replace(/\s/g, '')}Zq`);
    fc.assert(
      fc.property(secretish, fc.constantFrom('token', 'url'), (value, where) => {
        const text =
          where === 'token'
            ? `http:\n  token: ${JSON.stringify(value)}\n  token_file: /x\n`
            : `watchdog:\n  url: ${JSON.stringify(value)}\n`;
        try {
          parseConfigText(configSchema, text, 'fuzz.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).not.toContain(value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the minimal config from the issue', () => {
    const cfg = parseConfigText(
      configSchema,
      'notifiers:\n  - name: ops\n    type: webhook\n    url: http://127.0.0.1:9000/hook\ngrouping: { group_wait: 10s, repeat_interval: 4h }\n',
    );
    expect(cfg.notifiers).toHaveLength(1);
    expect(cfg.grouping).toMatchObject({ group_wait: 10_000, repeat_interval: 4 * 3_600_000 });
  });
});
