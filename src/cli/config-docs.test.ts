import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { envNameToPath } from '../config/env.js';
import { parseConfigText } from '../config/loader.js';
import { referenceRows } from '../config/reference.js';
import { schemasAt } from '../config/schema-walk.js';
import { configSchema } from './config-schema.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '../../docs/configuration.md');
const doc = readFileSync(DOC, 'utf8');

describe('docs/configuration.md', () => {
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

  it('has YAML examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b, i) => [i + 1, b]))('has a valid YAML example (#%i)', (_i, block) => {
    expect(() =>
      parseConfigText(configSchema, block, 'docs/configuration.md', { baseDir: '/etc/thump' }),
    ).not.toThrow();
  });

  it('documents every key of the schema', () => {
    const missing = referenceRows(configSchema)
      .map((r) => r.path)
      .filter((p) => !doc.includes(`\`${p}\``));
    expect(
      missing,
      'keys missing from docs/configuration.md; run: node --import tsx src/cli/write-config-reference.ts',
    ).toEqual([]);
  });

  it('only shows THUMP_* override names that map to real keys', () => {
    // The docs show one typo on purpose, as the example of what is rejected.
    const typo = 'THUMP_MONITR__DB_PATH';
    const found = doc.match(/THUMP_[A-Z0-9_]*__[A-Z0-9_]+/g) ?? [];
    const names = [...new Set(found)].filter((n) => n !== typo);
    expect(names.length).toBeGreaterThan(3);
    const data = { notifiers: [{ type: 'webhook' }, { type: 'webhook' }] };
    const dangling = names.filter((n) => schemasAt(configSchema, envNameToPath(n) ?? [], data).length === 0);
    expect(dangling).toEqual([]);
  });
});
