import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepResult } from '../src/sweep/types.js';
import { type Proc, spawnThump, THUMP_BIN, tempDir, waitFor } from './support/proc.js';
import { type Sshd, startSshd } from './support/sshd.js';

let sshd: Sshd;
let thump: Proc | undefined;
const tmp = tempDir('thump-sweep-every-');

beforeAll(async () => {
  if (!existsSync(THUMP_BIN))
    throw new Error(`build first: ${THUMP_BIN} is missing (npx tsc -p tsconfig.build.json)`);
  sshd = await startSshd({ addresses: 2 });
});
afterAll(async () => {
  await thump?.stop('SIGKILL');
  await sshd?.stop();
  tmp.cleanup();
});

const results = (p: Proc) =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SweepResult);
const logins = () =>
  sshd
    .log()
    .split('\n')
    .filter((l) => l.startsWith('Accepted publickey')).length;

/** pids of sshd's per-connection children (our own sshd only), read from /proc. */
function connectionPids(): number[] {
  const parent = sshd.proc.child.pid as number;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('thump sweep --every', () => {
  it('re-polls over kept connections, reconnects dropped ones, and records each round', async () => {
    const db = join(tmp.path, 'every.db');
    const hosts = `127.0.0.1:${sshd.port}\n127.0.0.2:${sshd.port}\n`;
    thump = spawnThump(
      [
        'sweep',
        '-',
        '--every',
        '1s',
        '--user',
        sshd.user,
        '-i',
        sshd.clientKeyPath,
        '--known-hosts',
        sshd.knownHostsPath,
        '--db',
        db,
      ],
      { HOME: tmp.path, SSH_AUTH_SOCK: '' },
    );
    thump.child.stdin?.end(hosts);
    const p = thump;
    await waitFor(() => results(p).length >= 6, 'three rounds of two hosts', 60_000);
    // Three rounds, two logins: the later rounds reused the connections.
    expect(logins()).toBe(2);

    // Drop both connections from the server side; the next rounds must reconnect.
    const pids = connectionPids();
    expect(pids.length).toBeGreaterThanOrEqual(2);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const before = results(p).length;
    await waitFor(
      () => logins() >= 4 && results(p).length >= before + 4,
      'reconnects and two more rounds',
      60_000,
    );

    const all = results(p);
    expect(all.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(p.stderr()).toMatch(/round 3: 2 hosts in .*: 2 ok, 0 failed/);

    expect(await p.stop('SIGTERM', 15_000)).toBe(0);

    const { openStore } = await import('../src/store/index.js');
    const store = await openStore(db);
    try {
      const runs = await store.sweeps.list();
      expect(runs.length).toBeGreaterThanOrEqual(5);
      expect(runs.every((r) => r.total === 2)).toBe(true);
      const latest = await store.sweeps.latest();
      expect(latest.map((h) => [h.target, h.state])).toEqual([
        [`127.0.0.1:${sshd.port}`, 'up'],
        [`127.0.0.2:${sshd.port}`, 'up'],
      ]);
    } finally {
      await store.close();
    }
  }, 150_000);
});
