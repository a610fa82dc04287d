import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeArray, parseMdstat, raidCheck } from './mdstat.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const judge = (name: string) =>
  parseMdstat(readFileSync(fixture(name), 'utf8')).map((a) => ({ name: a.name, ...judgeArray(a) }));

describe('parseMdstat + judgeArray', () => {
  it.each([
    [
      'mdstat-healthy.txt',
      [
        { name: 'md1', severity: 0, text: 'md1 raid1 ok [2/2] [UU]' },
        { name: 'md0', severity: 0, text: 'md0 raid1 ok [2/2] [UU]' },
      ],
    ],
    [
      'mdstat-degraded.txt',
      [
        { name: 'md127', severity: 2, text: 'md127 raid5 DEGRADED [3/2] [_UU], failed: sdb1' },
        { name: 'md0', severity: 2, text: 'md0 raid1 DEGRADED [2/1] [U_]' },
      ],
    ],
    [
      'mdstat-recovery.txt',
      [
        { name: 'md2', severity: 1, text: 'md2 raid10 DEGRADED [4/3] [UUU_], recovery 27.4%' },
        { name: 'md1', severity: 0, text: 'md1 raid1 ok [2/2] [UU], check 3.1%' },
        { name: 'md3', severity: 0, text: 'md3 raid1 ok [2/2] [UU], resync pending' },
      ],
    ],
    [
      'mdstat-inactive.txt',
      [
        { name: 'md5', severity: 2, text: 'md5 inactive' },
        { name: 'md4', severity: 0, text: 'md4 raid0 ok' },
        { name: 'md6', severity: 0, text: 'md6 raid1 ok [2/2] [UU]' },
      ],
    ],
    ['mdstat-none.txt', []],
  ])('judges %s', (file, expected) => {
    expect(judge(file)).toEqual(expected);
  });

  it('reports one result per array and UNKNOWN when /proc/mdstat is missing', async () => {
    const run = raidCheck.create(
      raidCheck.schema.parse({ type: 'raid', mdstat_file: fixture('mdstat-degraded.txt') }),
    );
    const r = await run(new AbortController().signal);
    expect(r.map((x) => [x.id, x.severity])).toEqual([
      ['raid:md127', 2],
      ['raid:md0', 2],
    ]);
    const missing = raidCheck.create(raidCheck.schema.parse({ type: 'raid', mdstat_file: fixture('nope') }));
    expect(await missing(new AbortController().signal)).toEqual([
      { id: 'raid', severity: 3, text: `${fixture('nope')} not found (md driver not loaded)` },
    ]);
  });
});
