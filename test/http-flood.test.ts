import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MonitorProc, startAgent, startMonitor, writeSecret } from './support/monitor-harness.js';
import { type Proc, tempDir, waitFor } from './support/proc.js';

/**
 * Issue 17, reproduction 1 end to end: a real monitor with real agents beating every 500 ms
 * (timeout 1.5 s) while the API is flooded with the worst inputs. Before the fix one such
 * request blocked the event loop for seconds and every host went falsely `down`.
 */

const procs: Proc[] = [];
const dirs: Array<() => void> = [];

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  for (const d of dirs.splice(0)) d();
});

const HOSTS = ['flood-a', 'flood-b', 'flood-c'];

/** The hostile requests: each must be refused (4xx) without costing the monitor its beats. */
function hostileRequests(url: string, token: string): Array<() => Promise<Response>> {
  const post = (body: unknown) => () =>
    fetch(`${url}/api/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return [
    () => fetch(`${url}/api/hosts?id=${'*'.repeat(100)}x`),
    () => fetch(`${url}/api/hosts?id=${'*'.repeat(5000)}x`),
    () => fetch(`${url}/api/hosts?id=${'*a'.repeat(3000)}`),
    () => fetch(`${url}/api/hosts?q=${'x'.repeat(6000)}`),
    () => fetch(`${url}/api/hosts?${'state=up&'.repeat(500)}`),
    () => fetch(`${url}/api/events?host=${'h'.repeat(4000)}&limit=1`),
    post({ host: `${'*'.repeat(20)}x${'?'.repeat(20)}`, for: '1h' }),
    post({ host: '*a'.repeat(20_000), for: '1h' }),
    post({ host: 'zz', for: '999999999999d' }),
  ];
}

describe('a monitor flooded with worst-case API inputs', () => {
  it('refuses every one and declares no host down while agents beat', async () => {
    const dir = tempDir('thump-flood-');
    dirs.push(dir.cleanup);
    const secret = writeSecret(dir.path);
    const m: MonitorProc = await startMonitor({ dir: dir.path, secretFile: secret });
    procs.push(m.proc);
    for (const id of HOSTS) procs.push(startAgent(m.udpPort, id, secret, '500ms'));
    await waitFor(
      async () => (await m.hosts()).filter((h) => h.state === 'up').length === HOSTS.length,
      'every agent up',
      30_000,
    );
    const token = readFileSync(join(dir.path, 'api-token'), 'utf8').trim();
    const requests = hostileRequests(m.httpUrl, token);

    // 8 concurrent clients, 40 rounds of every hostile request: ~2,900 requests, several
    // timeouts' worth of wall time on a loaded 2-core machine.
    const statuses = new Map<number, number>();
    let healthChecks = 0;
    const client = async (offset: number) => {
      for (let round = 0; round < 40; round++) {
        const r = await (requests[(round + offset) % requests.length] as () => Promise<Response>)();
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (round % 10 === 0) {
          const h = await fetch(`${m.httpUrl}/healthz`);
          expect(h.status).toBe(200);
          healthChecks++;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => client(i)));

    for (const status of statuses.keys()) expect([400, 414, 431]).toContain(status);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(healthChecks).toBe(8 * 4);
    // Every host beats again after the flood: a deadline missed during it has fired by then
    // (the detector ticks every 50 ms and runs before later beats are taken in).
    const floodEnd = Date.now();
    await waitFor(
      async () => (await m.hosts()).every((h) => Date.parse(h.lastBeatAt as string) > floodEnd + 600),
      'every host to beat again after the flood',
      20_000,
    );
    const downs = m.events().filter((e) => e.event === 'down');
    expect(downs).toEqual([]);
    expect((await m.hosts()).map((h) => h.state)).toEqual(HOSTS.map(() => 'up'));
    const silences = (await (await fetch(`${m.httpUrl}/api/silences?all=1`)).json()) as unknown[];
    expect(silences).toEqual([]);
  }, 120_000);
});
