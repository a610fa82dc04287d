import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/cli/config-schema.js';
import { parseConfigText } from '../src/config/index.js';
import { notifierTypes } from '../src/notify/notifiers/index.js';
import { ROOT } from './support/proc.js';

/** Keeps docs/notifiers.md true: every YAML example parses through the real config loader. */
const doc = readFileSync(join(ROOT, 'docs/notifiers.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('docs/notifiers.md', () => {
  it('has an example for every notifier type', () => {
    const types = new Set(examples.flatMap((e) => [...e.matchAll(/^\s+type: (\S+)/gm)].map((m) => m[1])));
    expect([...types].sort()).toEqual(Object.keys(notifierTypes).sort());
  });

  it.each(examples.map((e, i) => [i, e]))(
    'example %i is a valid thump.yaml notifiers list',
    (_i, example) => {
      const text = example.startsWith('notifiers:') ? example : `notifiers:\n${example}`;
      const config = parseConfigText(configSchema, text, 'docs/notifiers.md');
      expect(config.notifiers.length).toBeGreaterThan(0);
    },
  );
});
