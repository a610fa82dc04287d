import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../../sweep/types.js';
import { openDb } from './db.js';
import { sweepMigrations } from './schema.js';
import { sqliteSweepStore } from './sweeps.js';

/** The SQLite sweep store over an in-memory file with only the sweeps domain. */
function store() {
  return { s: sqliteSweepStore(openDb(':memory:', [sweepMigrations])) };
}

const ok = (target: string, at: number): SweepResult => ({
  status: 'ok',
  target,
  host: target,
  at,
  durationMs: 12,
  uptimeSeconds: 100,
  bootedAt: new Date(at - 100_000).toISOString(),
  load1: 0.1,
  load5: 0.2,
  load15: 0.3,
  users: 2,
});
const bad = (target: string, at: number): SweepResult => ({
  status: 'error',
  target,
  host: target,
  at,
  durationMs: 30,
  errorClass: 'refused',
  message: 'connection refused',
});

describe('SQLite sweep store', () => {
  it('keeps runs, per-host results and each host latest up/down state', async () => {
    const { s } = store();
    await s.begin({ id: 'run1', startedAt: 1000, total: 2, mode: 'local' });
    await s.write('run1', ok('a', 1100));
    await s.write('run1', bad('b', 1200));
    await s.finish('run1', 1300);
    await s.begin({ id: 'run2', startedAt: 2000, total: 2, mode: 'local' });
    await s.write('run2', ok('a', 2100));
    await s.write('run2', ok('b', 2200));

    expect((await s.list()).map((r) => r.id)).toEqual(['run2', 'run1']);
    expect(await s.get('run1')).toEqual({
      id: 'run1',
      startedAt: 1000,
      finishedAt: 1300,
      total: 2,
      ok: 1,
      failed: 1,
      mode: 'local',
    });
    expect((await s.get('run2'))?.finishedAt).toBeNull();
    expect(await s.results('run1')).toEqual([ok('a', 1100), bad('b', 1200)]);

    const latest = await s.latest();
    expect(latest.map((h) => [h.target, h.state, h.stateSince, h.runId])).toEqual([
      ['a', 'up', 1100, 'run2'],
      ['b', 'up', 2200, 'run2'],
    ]);
    expect(latest[0]?.result).toEqual(ok('a', 2100));
  });

  it('never lets an older result overwrite a newer host state', async () => {
    const { s } = store();
    await s.begin({ id: 'new', startedAt: 5000, total: 1, mode: 'redis' });
    await s.write('new', bad('a', 5100));
    await s.begin({ id: 'old', startedAt: 1000, total: 1, mode: 'local' });
    await s.write('old', ok('a', 1100));
    expect((await s.latest())[0]).toMatchObject({ state: 'down', runId: 'new' });
  });

  it('refuses a result for a run never begun, naming the run', async () => {
    const { s } = store();
    await expect(s.write('nope', ok('a', 1))).rejects.toThrow(
      /sweep run nope does not exist; call begin\(\) first/,
    );
    expect(await s.latest()).toEqual([]);
  });

  it('keeps the --every interval of a run and hands it to each host it last probed', async () => {
    const { s } = store();
    await s.begin({ id: 'rep', startedAt: 1000, total: 1, mode: 'local', everyMs: 60_000 });
    await s.write('rep', ok('a', 1100));
    await s.begin({ id: 'once', startedAt: 2000, total: 1, mode: 'local' });
    await s.write('once', bad('b', 2100));
    expect((await s.get('rep'))?.everyMs).toBe(60_000);
    expect(await s.get('once')).not.toHaveProperty('everyMs');
    expect((await s.latest()).map((h) => [h.target, h.everyMs])).toEqual([
      ['a', 60_000],
      ['b', null],
    ]);
  });
});
