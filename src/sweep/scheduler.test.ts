import { describe, expect, it } from 'vitest';
import { runSchedule } from './scheduler.js';
import { formatSummary } from './tally.js';
import type { SweepResult, SweepTarget } from './types.js';

const targets = (n: number): SweepTarget[] =>
  Array.from({ length: n }, (_, i) => ({ spec: `h${i}`, host: `h${i}`, port: 22, user: 'u' }));

function result(t: SweepTarget, ok: boolean): SweepResult {
  return ok
    ? {
        status: 'ok',
        target: t.spec,
        host: t.host,
        at: 0,
        durationMs: 1,
        uptimeSeconds: 1,
        bootedAt: '',
        load1: 0,
        load5: 0,
        load15: 0,
      }
    : {
        status: 'error',
        target: t.spec,
        host: t.host,
        at: 0,
        durationMs: 1,
        errorClass: 'timeout',
        message: 'slow',
      };
}

describe('runSchedule', () => {
  it('probes every target exactly once and never exceeds the concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: string[] = [];
    const summary = await runSchedule(targets(250), {
      concurrency: 7,
      probe: async (t) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, (Number(t.spec.slice(1)) % 5) + 1));
        inFlight--;
        return result(t, Number(t.spec.slice(1)) % 10 !== 0);
      },
      onResult: (r) => {
        seen.push(r.target);
      },
    });
    expect(peak).toBe(7);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toHaveLength(250);
    expect(summary).toMatchObject({ total: 250, ok: 225, failed: 25, byClass: { timeout: 25 } });
    expect(formatSummary(summary)).toMatch(/^250 hosts in .* 225 ok, 25 failed \(25 timeout\)$/);
  });

  it('lasts about as long as the slowest host, not the sum of the slow ones', async () => {
    const t0 = Date.now();
    await runSchedule(targets(20), {
      concurrency: 100,
      probe: async (t) => {
        await new Promise((r) => setTimeout(r, 200));
        return result(t, false);
      },
      onResult: () => {},
    });
    // 20 hosts x 200 ms would be 4 s in sequence.
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('stops starting probes when aborted and reports what finished', async () => {
    const ac = new AbortController();
    let started = 0;
    const summary = await runSchedule(targets(100), {
      concurrency: 2,
      signal: ac.signal,
      probe: async (t) => {
        started++;
        if (started === 4) ac.abort();
        return result(t, true);
      },
      onResult: () => {},
    });
    expect(started).toBe(4);
    expect(summary.total).toBe(4);
  });

  it('surfaces a failing sink instead of dropping results silently', async () => {
    await expect(
      runSchedule(targets(3), {
        probe: async (t) => result(t, true),
        onResult: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });
});
