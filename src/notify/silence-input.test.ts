import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../cli/config-schema.js';
import { ConfigIssuesError } from '../config/issue.js';
import { parseConfigText } from '../config/loader.js';
import { UsageError } from '../errors.js';
import { checkGlob } from '../util/glob.js';
import { LIMITS } from '../util/limits.js';
import { parseSilenceRequest, validateSilence } from './silence-input.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function configError(yaml: string): string {
  try {
    parseConfigText(configSchema, yaml, 't.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigIssuesError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('glob-bearing config keys', () => {
  const evil = `"${'*a'.repeat(200)}"`;
  it.each([
    ['silences', `silences:\n  - hosts: ${evil}\n    ends_at: 2026-12-01T00:00:00Z\n`, 'silences[0].hosts'],
    ['routes hosts', `routes:\n  - notifiers: [x]\n    hosts: ${evil}\n`, 'routes[0].hosts'],
    [
      'routes labels',
      `routes:\n  - notifiers: [x]\n    labels: { rack: ${evil} }\n`,
      'routes[0].labels.rack',
    ],
    ['dependencies', `dependencies:\n  - hosts: [${evil}]\n    parent: gw\n`, 'dependencies[0].hosts[0]'],
  ])('refuses an over-long glob in %s, naming the key and the limit', (_what, yaml, key) => {
    expect(configError(yaml)).toMatch(new RegExp(`${key.replace(/[[\].]/g, '\\$&')}: .*limit globLength`));
  });

  it('refuses too many wildcards and a silence longer than 10 years', () => {
    expect(
      configError(`silences:\n  - hosts: "${'?'.repeat(33)}"\n    ends_at: 2026-12-01T00:00:00Z\n`),
    ).toMatch(/silences\[0\]\.hosts: glob has 33 wildcards .*limit globWildcards/);
    expect(
      configError(
        'silences:\n  - hosts: a\n    starts_at: 2026-01-01T00:00:00Z\n    ends_at: 2040-01-01T00:00:00Z\n',
      ),
    ).toMatch(/silences\[0\]\.ends_at: .*10 years .*limit silenceMaxMs/);
    expect(configError('silences:\n  - hosts: a\n    cron: "0 2 * * 0"\n    duration: 3651d\n')).toMatch(
      /silences\[0\]\.duration: .*limit silenceMaxMs/,
    );
  });
});

describe('the silence input schema', () => {
  it('reads a config-like input (start 0) without tripping the 10-year rule', () => {
    const s = validateSilence({ hostGlob: 'a', startsAt: 0, endsAt: NOW + 3_600_000 }, NOW, 'config');
    expect(s.endsAt).toBe(NOW + 3_600_000);
  });

  it('refuses an end more than 10 years from now', () => {
    expect(() =>
      validateSilence({ hostGlob: 'a', startsAt: 0, endsAt: NOW + LIMITS.silenceMaxMs + 1 }, NOW, 'config'),
    ).toThrow(/endsAt: must be at most 10 years/);
  });

  // Random API bodies: either a UsageError, or a silence that keeps every limit.
  const field = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom('2h', '999999999999d', '0s', '1ms', '3650d', '3651d', '0 2 * * 0', '* * * * *'),
    fc.constantFrom('2026-11-23T14:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', 'March 7'),
    fc.double(),
    fc.integer(),
    fc.constant(null),
    fc.constant(8.64e19),
  );
  const glob = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(fc.constantFrom('*', '?', 'a', '[1]', 'web-'), { maxLength: 60 }).map((a) => a.join('')),
  );
  const body = fc.record(
    {
      host: glob,
      for: field,
      until: field,
      startsAt: field,
      cron: field,
      duration: field,
      durationMs: field,
      comment: fc.string({ maxLength: 1100 }),
      createdBy: field,
    },
    { requiredKeys: [] },
  );

  it('never stores what breaks a limit (fixed seed)', () => {
    fc.assert(
      fc.property(body, (b) => {
        let s: ReturnType<typeof validateSilence>;
        try {
          s = validateSilence(parseSilenceRequest(b, NOW), NOW, 'api');
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        expect(checkGlob(s.hostGlob)).toBeUndefined();
        expect(s.comment.length).toBeLessThanOrEqual(LIMITS.commentLength);
        expect(s.createdBy.length).toBeLessThanOrEqual(LIMITS.createdByLength);
        expect(s.startsAt).toBeGreaterThanOrEqual(0);
        if (s.endsAt !== null) {
          expect(s.endsAt).toBeGreaterThan(s.startsAt);
          expect(s.endsAt - Math.max(s.startsAt, NOW)).toBeLessThanOrEqual(LIMITS.silenceMaxMs);
          expect(() => new Date(s.endsAt as number).toISOString()).not.toThrow();
        }
        if (s.cron !== undefined) expect(s.durationMs).toBeLessThanOrEqual(LIMITS.silenceMaxMs);
      }),
      { seed: 17, numRuns: 1000 },
    );
  });
});
