import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../test/support/proc.js';
import { CheckScheduler } from './check-scheduler.js';
import { checksConfigSchema, createChecks } from './checks/registry.js';

describe('CheckScheduler', () => {
  it('times out a hung command, kills it, reports it with the configured state, and keeps others running', async () => {
    const dir = tempDir();
    const pidFile = join(dir.path, 'pid');
    const checks = createChecks(
      checksConfigSchema.parse([
        { name: 'hung', command: `sleep 30 & echo $! > ${pidFile}; wait`, timeout: '300ms', interval: '1h' },
        { name: 'quick', command: 'echo "OK - fine | t=1"; exit 0', interval: '1h' },
        { name: 'lazy', command: 'sleep 30', timeout: '200ms', timeout_state: 'unknown', interval: '1h' },
      ]),
    );
    const changes: string[] = [];
    const s = new CheckScheduler(checks, { onChange: (n) => changes.push(n) });
    const t0 = Date.now();
    s.start();
    try {
      await waitFor(() => s.results().length === 3, 'three results', 10_000);
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(s.results()).toEqual([
        { id: 'hung', severity: 2, text: 'CRITICAL: command check timed out after 300ms' },
        { id: 'quick', severity: 0, text: 'OK - fine' },
        { id: 'lazy', severity: 3, text: 'UNKNOWN: command check timed out after 200ms' },
      ]);
      expect(changes.sort()).toEqual(['hung', 'lazy', 'quick']);
      expect(s.busy).toBe(false);
      // The plugin's own child (the backgrounded sleep) died with its process group.
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        `hung check's child ${pid} to be killed`,
        5000,
      );
    } finally {
      s.stop();
      if (existsSync(dir.path)) dir.cleanup();
    }
  });

  it('reports a check that throws as UNKNOWN instead of crashing', async () => {
    const s = new CheckScheduler([
      {
        name: 'boom',
        type: 'custom',
        intervalMs: 60_000,
        timeoutMs: 1000,
        timeoutSeverity: 2,
        run: async () => {
          throw new Error('sensor exploded');
        },
      },
    ]);
    s.start();
    try {
      await waitFor(() => s.results().length === 1, 'a result', 5000);
      expect(s.results()).toEqual([
        { id: 'boom', severity: 3, text: 'custom check failed: sensor exploded' },
      ]);
    } finally {
      s.stop();
    }
  });

  it('runs each check again on its own interval', async () => {
    let runs = 0;
    const s = new CheckScheduler([
      {
        name: 'count',
        type: 'custom',
        intervalMs: 50,
        timeoutMs: 1000,
        timeoutSeverity: 2,
        run: async () => {
          runs++;
          return [{ id: 'count', severity: 0, text: `run ${runs}` }];
        },
      },
    ]);
    s.start();
    try {
      await waitFor(() => runs >= 4, 'four runs', 10_000);
    } finally {
      s.stop();
    }
    const after = runs;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toBe(after);
  });
});
