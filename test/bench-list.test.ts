import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run bench', () => {
  it('lists every benchmark in bench/ (a new bench left out of run-all.ts fails here)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run-all.ts', '--list'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ingest\s/m);
  });
});
