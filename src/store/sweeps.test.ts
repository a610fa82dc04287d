import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../sweep/types.js';
import { openDb } from './db.js';
import {
  getSweep,
  latestSweepResults,
  listSweeps,
  SweepRecorder,
  sweepMigrations,
  sweepResults,
} from './sweeps.js';

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

describe('sweep store', () => {
  it('keeps runs, per-host results and each host latest up/down state', () => {
    const db = openDb(':memory:', [sweepMigrations]);
    const r1 = new SweepRecorder(db, { id: 'run1', startedAt: 1000, total: 2, mode: 'local' });
    r1.write(ok('a', 1100));
    r1.write(bad('b', 1200));
    r1.finish(1300);
    const r2 = new SweepRecorder(db, { id: 'run2', startedAt: 2000, total: 2, mode: 'local' });
    r2.write(ok('a', 2100));
    r2.write(ok('b', 2200));

    expect(listSweeps(db).map((r) => r.id)).toEqual(['run2', 'run1']);
    expect(getSweep(db, 'run1')).toEqual({
      id: 'run1',
      startedAt: 1000,
      finishedAt: 1300,
      total: 2,
      ok: 1,
      failed: 1,
      mode: 'local',
    });
    expect(getSweep(db, 'run2')?.finishedAt).toBeNull();
    expect(sweepResults(db, 'run1')).toEqual([ok('a', 1100), bad('b', 1200)]);

    const latest = latestSweepResults(db);
    expect(latest.map((h) => [h.target, h.state, h.stateSince, h.runId])).toEqual([
      ['a', 'up', 1100, 'run2'],
      ['b', 'up', 2200, 'run2'],
    ]);
    expect(latest[0]?.result).toEqual(ok('a', 2100));
  });

  it('never lets an older result overwrite a newer host state', () => {
    const db = openDb(':memory:', [sweepMigrations]);
    new SweepRecorder(db, { id: 'new', startedAt: 5000, total: 1, mode: 'redis' }).write(bad('a', 5100));
    new SweepRecorder(db, { id: 'old', startedAt: 1000, total: 1, mode: 'local' }).write(ok('a', 1100));
    expect(latestSweepResults(db)[0]).toMatchObject({ state: 'down', runId: 'new' });
  });

  it('keeps the --every interval of a run and hands it to each host it last probed', () => {
    const db = openDb(':memory:', [sweepMigrations]);
    const r = new SweepRecorder(db, { id: 'rep', startedAt: 1000, total: 1, mode: 'local', everyMs: 60_000 });
    r.write(ok('a', 1100));
    new SweepRecorder(db, { id: 'once', startedAt: 2000, total: 1, mode: 'local' }).write(bad('b', 2100));
    expect(getSweep(db, 'rep')?.everyMs).toBe(60_000);
    expect(getSweep(db, 'once')).not.toHaveProperty('everyMs');
    expect(latestSweepResults(db).map((h) => [h.target, h.everyMs])).toEqual([
      ['a', 60_000],
      ['b', null],
    ]);
  });

  it('reads hosts from a database still at schema version 1 (no interval column)', () => {
    const first = sweepMigrations.steps[0] as (typeof sweepMigrations.steps)[number];
    const db = openDb(':memory:', [{ domain: 'sweeps', steps: [first] }]);
    db.prepare(
      `INSERT INTO sweep_hosts (target, host, state, state_since, run_id, status, at, duration_ms)
       VALUES ('a', 'a', 'up', 1100, 'run1', 'ok', 1100, 12)`,
    ).run();
    expect(latestSweepResults(db).map((h) => [h.target, h.state, h.everyMs])).toEqual([['a', 'up', null]]);
  });
});
