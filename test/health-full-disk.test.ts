import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookPayloads, type MonitorRig, startMonitorRig } from './support/pipeline-monitor.js';
import { waitFor } from './support/proc.js';

/**
 * Issue 17, reproduction 5: the database on a full disk. A real `thump monitor` keeps its
 * SQLite file on a 4 MB tmpfs that the test fills: `/healthz` must say degraded with the
 * reason, the metrics must count the failing writes, and once space is back every pending
 * event must be written and notified (nothing lost).
 */

let mnt: string;
let rig: MonitorRig | undefined;

beforeAll(() => {
  mnt = mkdtempSync(join(tmpdir(), 'thump-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(
      `cannot mount a tmpfs at ${mnt} for the full-disk test (needs root or CAP_SYS_ADMIN): ${stderr || (err as Error).message}`,
    );
  }
});

afterAll(async () => {
  await rig?.close();
  try {
    execFileSync('umount', [mnt], { stdio: 'pipe' });
  } finally {
    rmdirSync(mnt);
  }
});

/** Writes zeros until the file system refuses (ENOSPC); returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        // The last partial block: fill it byte by byte-ish.
        try {
          for (;;) writeSync(fd, Buffer.alloc(512));
        } catch {
          return path;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

async function health(api: string): Promise<{ code: number; body: { status: string; reasons: string[] } }> {
  const r = await fetch(`${api}/healthz`);
  return { code: r.status, body: (await r.json()) as { status: string; reasons: string[] } };
}

async function metric(api: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const m = line.exec(text);
  if (!m) throw new Error(`no metric line matching ${line}`);
  return Number(m[1]);
}

describe('a full disk under the database', () => {
  it('says degraded with the reason, counts the failed writes, and loses nothing once space is back', async () => {
    rig = await startMonitorRig({ routes: [{ notifiers: ['ops'], events: ['down', 'up'] }] }, 300, {
      dbPath: join(mnt, 'thump.db'),
    });
    const r = rig;
    const victims = Array.from({ length: 20 }, (_, i) => `disk-${String(i).padStart(2, '0')}`);
    r.fleet.add(['witness', ...victims]);
    r.fleet.start();
    await waitFor(
      async () =>
        (await r.get<Array<{ state: string }>>('/api/hosts')).filter((h) => h.state === 'up').length === 21,
      '21 hosts up',
    );
    expect((await health(r.api)).code).toBe(200);

    const filler = fill(mnt);
    r.fleet.silence(victims);
    const degraded = await waitFor(
      async () => {
        const h = await health(r.api);
        return h.code === 503 && h.body.reasons.some((x) => x.startsWith('store: cannot write events'))
          ? h
          : undefined;
      },
      '/healthz to report that events cannot be written',
      30_000,
    );
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.reasons.join('\n')).toMatch(/full|SQLITE_FULL|disk/i);
    expect(await metric(r.api, /^thump_store_write_errors_total\{kind="events"\} (\d+)/m)).toBeGreaterThan(0);
    await waitFor(
      async () => (await metric(r.api, /^thump_events_pending (\d+)/m)) >= victims.length,
      'every down event pending in memory',
      30_000,
    );
    expect(hookPayloads(r.hook).filter((p) => p.kind === 'alert')).toHaveLength(0);

    rmSync(filler);
    await waitFor(
      async () => (await health(r.api)).code === 200,
      '/healthz to recover once space is back',
      30_000,
    );
    expect(await metric(r.api, /^thump_events_pending (\d+)/m)).toBe(0);
    await waitFor(
      () => {
        const down = new Set(
          hookPayloads(r.hook).flatMap((p) => p.events.filter((e) => e.type === 'down').map((e) => e.hostId)),
        );
        return victims.every((v) => down.has(v));
      },
      'a down notification for every host that went down while the disk was full',
      30_000,
    );
    const events = await r.get<Array<{ type: string; hostId: string }>>('/api/events?type=down&limit=100');
    expect(events.map((e) => e.hostId).sort()).toEqual(victims);
  });
});
