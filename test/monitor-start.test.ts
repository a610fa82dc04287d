import { readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from './support/monitor-harness.js';
import { freeTcpPort, freeUdpPort, type Proc, spawnThump, tempDir, waitFor } from './support/proc.js';

const procs: Proc[] = [];
const cleanups: Array<() => void> = [];

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0)) c();
});

/** No config file or secret from the environment: the test's own data folder only. */
const START_ENV = { THUMP_CONFIG: '', THUMP_SECRET: '' };

function startArgs(data: string, http: number, udp: number, extra: string[] = []): string[] {
  return ['start', '--data-dir', data, '--http', `127.0.0.1:${http}`, '--udp', `127.0.0.1:${udp}`, ...extra];
}

describe('thump start (the main job on the embedded default)', () => {
  it('generates a 0600 secret, prints the agent command and shows this machine up via its local agent', async () => {
    const dir = tempDir('thump-start-');
    cleanups.push(dir.cleanup);
    const data = join(dir.path, 'data');
    const http = await freeTcpPort();
    const udp = await freeUdpPort();
    const p = spawnThump(startArgs(data, http, udp, ['--interval', '1s', '--log-format', 'json']), START_ENV);
    procs.push(p);
    const secret = join(data, 'secret');
    await waitFor(() => p.stdout().includes('thump agent --to'), 'the start banner', 45_000);
    expect(p.stdout()).toContain(`--secret-file ${secret}`);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    const me = await waitFor(
      async () => {
        const hosts = (await (await fetch(`http://127.0.0.1:${http}/api/hosts`)).json()) as Array<{
          id: string;
          state: string;
        }>;
        return hosts.find((h) => h.state === 'up');
      },
      'this machine up at /api/hosts',
      45_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nthump start output:\n${p.stdout()}\n${p.stderr()}`);
    });
    expect(me.id).toBe(hostname());

    expect(await p.stop('SIGTERM', 15_000)).toBe(0);
    const events = logLines(p.stdout()).filter((l) => l.event !== undefined);
    expect(events.map((e) => e.event)).toEqual(['new', 'left']);

    // Second run: same secret, the host is known (no `new`).
    const again = spawnThump(
      startArgs(data, http, udp, ['--interval', '1s', '--log-format', 'json']),
      START_ENV,
    );
    procs.push(again);
    await waitFor(
      () => logLines(again.stdout()).some((l) => l.event === 'up'),
      'the local host coming back up',
      45_000,
    );
    expect(again.stdout()).not.toContain('first run');
    expect(logLines(again.stdout()).some((l) => l.event === 'new')).toBe(false);
  });

  it('takes its local agent down with it when it is killed with SIGKILL (no orphan agent)', async () => {
    const dir = tempDir('thump-start-');
    cleanups.push(dir.cleanup);
    const data = join(dir.path, 'data');
    const http = await freeTcpPort();
    const udp = await freeUdpPort();
    const p = spawnThump(startArgs(data, http, udp), START_ENV);
    procs.push(p);
    // The agent's command line names the secret inside this test's own data folder.
    const agentPids = () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            return cmd.includes('\0agent\0') && cmd.includes(data);
          } catch {
            return false; // the process ended while we looked
          }
        });
    await waitFor(() => agentPids().length === 1, 'the local agent to start', 45_000);
    expect(await p.stop('SIGKILL')).toBe('SIGKILL');
    await waitFor(() => agentPids().length === 0, 'the orphaned local agent to stop', 15_000);
  });

  it('prints the effective monitor configuration with --print-config', async () => {
    const p = spawnThump(['monitor', '--print-config', '--udp', '127.0.0.1:9999', '--legacy'], {
      THUMP_CONFIG: '',
    });
    procs.push(p);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toMatch(/monitor:/);
    expect(p.stdout()).toMatch(/127\.0\.0\.1:9999/);
    expect(p.stdout()).toMatch(/legacy: true/);
  });
});
