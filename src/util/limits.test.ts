import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs');

/** `| \`name\` | value ... |` rows of a doc's "## Input limits" section. */
function limitsTable(file: string): Map<string, number> {
  const text = readFileSync(join(DOCS, file), 'utf8');
  const start = text.indexOf('## Input limits\n');
  expect(start, `${file} has a "## Input limits" section`).toBeGreaterThanOrEqual(0);
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| `(\w+)` \| (\d+)/gm)) rows.set(m[1] as string, Number(m[2]));
  return rows;
}

describe('the Limits tables in the docs', () => {
  it.each([['api.md'], ['configuration.md']])('%s lists every limit with its value', (file) => {
    expect(Object.fromEntries(limitsTable(file))).toEqual({ ...LIMITS });
  });
});
