import { afterEach, describe, expect, it } from 'vitest';
import { type MonitorProc, startAgent, startMonitor, writeSecret } from './support/monitor-harness.js';
import { type Proc, tempDir, waitFor } from './support/proc.js';

const procs: Proc[] = [];
const dirs: Array<() => void> = [];

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  for (const d of dirs.splice(0)) d();
});

function setup() {
  const dir = tempDir('thump-mon-');
  dirs.push(dir.cleanup);
  return { dir: dir.path, secretFile: writeSecret(dir.path) };
}

async function monitor(opts: Parameters<typeof startMonitor>[0]): Promise<MonitorProc> {
  const m = await startMonitor(opts);
  procs.push(m.proc);
  return m;
}

function sender(m: MonitorProc, id: string, secretFile: string): Proc {
  const p = startAgent(m.udpPort, id, secretFile);
  procs.push(p);
  return p;
}

describe('thump monitor liveness (real monitor and agents on loopback)', () => {
  it('reports a kill -9 agent down within timeout + 1 s and a SIGTERM agent as left, not down', async () => {
    const { dir, secretFile } = setup();
    const m = await monitor({ dir, secretFile });
    const a = sender(m, 'alpha', secretFile);
    const b = sender(m, 'bravo', secretFile);
    sender(m, 'charlie', secretFile);
    await waitFor(
      async () => (await m.hosts()).filter((h) => h.state === 'up').length === 3,
      'three hosts up in /api/hosts',
      45_000,
    );
    expect(
      m
        .events()
        .filter((e) => e.event === 'new')
        .map((e) => e.host)
        .sort(),
    ).toEqual(['alpha', 'bravo', 'charlie']);

    const killedAt = Date.now();
    await a.stop('SIGKILL');
    const down = await waitFor(
      () => m.events().find((e) => e.event === 'down' && e.host === 'alpha'),
      'a down event for alpha',
      20_000,
    );
    // The deadline is the last beat + 3 intervals (<= kill + 3 s); it is noticed within 1 s of it.
    expect(down.at as number).toBeLessThanOrEqual(killedAt + 3000 + 50);
    expect((down.noticedAt as number) - (down.at as number)).toBeLessThanOrEqual(1000);

    await b.stop('SIGTERM');
    await waitFor(
      () => m.events().find((e) => e.event === 'left' && e.host === 'bravo'),
      'a left event for bravo',
    );
    const leftAt = Date.now();
    // Past bravo's would-be deadline, it is still `left` and was never called down.
    await waitFor(
      async () => Date.now() - leftAt > 4000 && (await m.hosts()),
      'four seconds after bravo left',
      20_000,
    );
    const hosts = await m.hosts();
    expect(hosts.find((h) => h.id === 'bravo')?.state).toBe('left');
    expect(hosts.find((h) => h.id === 'alpha')?.state).toBe('down');
    expect(hosts.find((h) => h.id === 'charlie')?.state).toBe('up');
    expect(
      m
        .events()
        .filter((e) => e.host === 'bravo')
        .map((e) => e.event),
    ).toEqual(['new', 'left']);
  });

  it('restores known hosts after a restart (graceful and kill -9) without announcing them as new', async () => {
    const { dir, secretFile } = setup();
    const m1 = await monitor({ dir, secretFile });
    sender(m1, 'delta', secretFile);
    sender(m1, 'echo', secretFile);
    await waitFor(
      async () => (await m1.hosts()).filter((h) => h.state === 'up').length === 2,
      'two hosts up',
      45_000,
    );
    await m1.proc.stop('SIGTERM');
    expect(await m1.proc.exited).toBe(0);

    const m2 = await monitor({ dir, secretFile, udpPort: m1.udpPort });
    await waitFor(
      async () => {
        const hosts = await m2.hosts();
        return hosts.length === 2 && hosts.every((h) => h.state === 'up');
      },
      'both hosts restored and up',
      45_000,
    );
    // A few beats later there is still no `new` event in the second run.
    await waitFor(async () => {
      const hosts = await m2.hosts();
      return hosts.every((h) => Date.parse(String(h.lastBeatAt)) > Date.now() - 1500);
    }, 'fresh beats in the second run');
    expect(m2.events().filter((e) => e.event === 'new')).toEqual([]);

    // SIGKILL loses nothing recorded: the events of both runs are in the log afterwards.
    await m2.proc.stop('SIGKILL');
    const m3 = await monitor({ dir, secretFile, udpPort: m1.udpPort });
    const events = (await (await fetch(`${m3.httpUrl}/api/events?limit=50`)).json()) as Array<{
      type: string;
      hostId: string;
    }>;
    expect(
      events
        .filter((e) => e.type === 'new')
        .map((e) => e.hostId)
        .sort(),
    ).toEqual(['delta', 'echo']);
    await waitFor(
      async () => (await m3.hosts()).filter((h) => h.state === 'up').length === 2,
      'both up again',
    );
    expect(m3.events().filter((e) => e.event === 'new')).toEqual([]);
  });
});
