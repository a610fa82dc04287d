import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBeat, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import {
  logLines,
  type MonitorProc,
  metricValue,
  startAgent,
  startMonitor,
  writeSecret,
} from './support/monitor-harness.js';
import { freeUdpPort, type Proc, spawnThump, tempDir, waitFor } from './support/proc.js';

const procs: Proc[] = [];
const cleanups: Array<() => void> = [];

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0)) c();
});

function setup() {
  const dir = tempDir('thump-mon-in-');
  cleanups.push(dir.cleanup);
  return { dir: dir.path, secretFile: writeSecret(dir.path) };
}

async function monitor(opts: Parameters<typeof startMonitor>[0]): Promise<MonitorProc> {
  const m = await startMonitor(opts);
  procs.push(m.proc);
  return m;
}

function udpClient() {
  const s = createSocket('udp4');
  cleanups.push(() => s.close());
  return (port: number, buf: Buffer) =>
    new Promise<void>((res, rej) => s.send(buf, port, '127.0.0.1', (err) => (err ? rej(err) : res())));
}

function beat(hostId: string, seq: number, bootId = 'feedfacecafebeef'): Beat {
  return {
    hostId,
    bootId,
    seq,
    sentAt: Date.now(),
    intervalMs: 1000,
    goodbye: false,
    uptimeSeconds: 1,
    load: [0, 0, 0],
    memTotalBytes: 0,
    memAvailableBytes: 0,
    diskTotalBytes: 0,
    diskUsedBytes: 0,
    checks: [],
    labels: {},
  };
}

describe('thump monitor bad input (real process on loopback)', () => {
  it('survives a flood of garbage, forged and replayed packets: counters rise, real hosts stay up', async () => {
    const { dir, secretFile } = setup();
    const m = await monitor({ dir, secretFile });
    const real = startAgent(m.udpPort, 'real-1', secretFile);
    procs.push(real);
    await waitFor(
      async () => (await m.hosts()).some((h) => h.id === 'real-1' && h.state === 'up'),
      'real-1 up',
      45_000,
    );

    const send = udpClient();
    const good = keyFromSecret('monitor-e2e-secret-0123456789abcdef');
    const forger = keyFromSecret('an-attacker-guessing-the-secret!!');
    const captured = encodeBeat(beat('victim', 1), good);
    await send(m.udpPort, captured); // accepted once: `victim` is new
    for (let round = 0; round < 10; round++) {
      const batch: Promise<void>[] = [];
      for (let k = 0; k < 100; k++) {
        batch.push(send(m.udpPort, randomBytes(1 + ((k * 7) % 600)))); // garbage, any size
        batch.push(send(m.udpPort, encodeBeat(beat(`forged-${k}`, round + 1), forger))); // wrong key
        const flipped = Buffer.from(captured);
        const at = 30 + (k % 40);
        flipped[at] = (flipped[at] as number) ^ 0x01; // tampered bytes
        batch.push(send(m.udpPort, flipped));
        batch.push(send(m.udpPort, captured)); // replay
      }
      await Promise.all(batch);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(async () => {
      const t = await m.metrics();
      return (
        metricValue(t, 'thump_packets_rejected_total{reason="replay"}') >= 500 &&
        metricValue(t, 'thump_packets_rejected_total{reason="unknown-key"}') +
          metricValue(t, 'thump_packets_rejected_total{reason="bad-mac"}') >=
          500
      );
    }, 'rejection counters to rise');
    const t = await m.metrics();
    const rejected = t
      .split('\n')
      .filter((l) => l.startsWith('thump_packets_rejected_total{'))
      .reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    expect(rejected).toBeGreaterThanOrEqual(2000);
    const hosts = await m.hosts();
    expect(hosts.map((h) => h.id).sort()).toEqual(['real-1', 'victim']);
    // The real host keeps beating through it all.
    const before = Date.parse(String(hosts.find((h) => h.id === 'real-1')?.lastBeatAt));
    await waitFor(async () => {
      const h = (await m.hosts()).find((x) => x.id === 'real-1');
      return h?.state === 'up' && Date.parse(String(h.lastBeatAt)) > before;
    }, 'a fresh beat from real-1 after the flood');
    expect(m.proc.child.exitCode).toBeNull();
    // Warnings are summaries, not one line per packet.
    const warnings = logLines(m.proc.stdout()).filter((l) => /bad datagrams/.test(l.msg));
    expect(warnings.length).toBeLessThan(10);
  });

  it('accepts a legacy Thump! sender only with --legacy, identified by its source IP', async () => {
    const { dir, secretFile } = setup();
    const send = udpClient();
    const strict = await monitor({ dir, secretFile, db: join(dir, 'strict.db') });
    await send(strict.udpPort, Buffer.from('Thump!'));
    await send(strict.udpPort, Buffer.from('PyHB'));
    await waitFor(
      async () =>
        metricValue(await strict.metrics(), 'thump_packets_rejected_total{reason="legacy-disabled"}') === 2,
      'two legacy-disabled rejections',
    );
    expect(await strict.hosts()).toEqual([]);

    const lax = await monitor({ dir, secretFile, db: join(dir, 'lax.db'), extra: ['--legacy'] });
    await send(lax.udpPort, Buffer.from('Thump!'));
    const h = await waitFor(
      async () => (await lax.hosts()).find((x) => x.id === '127.0.0.1'),
      'legacy host listed',
    );
    expect(h.state).toBe('up');
    expect(h.intervalMs).toBe(10_000);
  });

  it('receives beats on IPv4 and IPv6 sockets bound to the same port', async () => {
    const { dir, secretFile } = setup();
    const port = await freeUdpPort();
    const m = await monitor({ dir, secretFile, udpPort: port, extra: ['--udp', `[::1]:${port}`] });
    const key = keyFromSecret('monitor-e2e-secret-0123456789abcdef');
    const send6 = createSocket('udp6');
    cleanups.push(() => send6.close());
    await new Promise<void>((res, rej) =>
      send6.send(encodeBeat(beat('over-v6', 1), key), port, '::1', (err) => (err ? rej(err) : res())),
    );
    await udpClient()(port, encodeBeat(beat('over-v4', 1), key));
    const hosts = await waitFor(async () => {
      const h = await m.hosts();
      return h.length === 2 ? h : undefined;
    }, 'both hosts listed');
    const addr = Object.fromEntries(hosts.map((h) => [h.id, String(h.address)]));
    expect(addr['over-v6']).toMatch(/^\[::1\]:\d+$/);
    expect(addr['over-v4']).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it.each(['native', 'dgram'])(
    '--receiver %s: beats arrive and the start-up log names the receiver',
    async (kind) => {
      const { dir, secretFile } = setup();
      const m = await monitor({ dir, secretFile, extra: ['--receiver', kind] });
      await udpClient()(
        m.udpPort,
        encodeBeat(beat(`via-${kind}`, 1), keyFromSecret('monitor-e2e-secret-0123456789abcdef')),
      );
      await waitFor(async () => (await m.hosts()).some((h) => h.id === `via-${kind}`), 'the host listed');
      const started = logLines(m.proc.stdout()).find((l) =>
        String(l.msg).startsWith('monitor listening on UDP'),
      );
      expect(started?.receiver).toBe(kind);
      expect(String(started?.msg)).toContain(`(${kind} receiver)`);
    },
  );

  it('joins a multicast group and receives beats sent to it', async () => {
    const { dir, secretFile } = setup();
    const port = await freeUdpPort();
    const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const m = await monitor({
      dir,
      secretFile,
      extra: ['--udp', `0.0.0.0:${port}`, '--multicast', `${group}@127.0.0.1`],
    });
    const key = keyFromSecret('monitor-e2e-secret-0123456789abcdef');
    const s = createSocket('udp4');
    cleanups.push(() => s.close());
    await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
    s.setMulticastInterface('127.0.0.1');
    s.setMulticastLoopback(true);
    await new Promise<void>((res, rej) =>
      s.send(encodeBeat(beat('via-multicast', 1), key), port, group, (err) => (err ? rej(err) : res())),
    );
    await waitFor(
      async () => (await m.hosts()).some((h) => h.id === 'via-multicast'),
      'the multicast host listed',
    );
  });

  it.each([
    {
      name: 'a secret file that is too short',
      prepare: (dir: string) => ['--secret-file', writeSecret(dir, 'short', 'abc')],
      match: /secret file .*short.* too short/,
    },
    {
      name: 'a missing secret file',
      prepare: (dir: string) => ['--secret-file', join(dir, 'nope')],
      match: /secret file .*nope: no such file; create one with: thump keygen --out/,
    },
    {
      name: 'a secret file readable by others',
      prepare: (dir: string) => {
        const p = writeSecret(dir, 'open');
        chmodSync(p, 0o644);
        return ['--secret-file', p];
      },
      match: /chmod 600/,
    },
    {
      name: 'a config with an unknown key',
      prepare: (dir: string) => {
        const p = join(dir, 'thump.yaml');
        writeFileSync(p, 'monitor:\n  udp_port: 1234\n');
        return ['--secret-file', writeSecret(dir), '--config', p];
      },
      match: /monitor.*udp_port/,
    },
    {
      name: 'a bad --udp address',
      prepare: (dir: string) => ['--secret-file', writeSecret(dir), '--udp', 'not-an-address'],
      match: /monitor\.udp\[0\]: "not-an-address" is not a UDP listen address/,
    },
  ])('exits 2 with one clear line for $name', async ({ prepare, match }) => {
    const { dir } = setup();
    const args = prepare(dir);
    const p = spawnThump(['monitor', '--http', 'off', '--db', join(dir, 't.db'), ...args], {
      THUMP_CONFIG: '',
    });
    procs.push(p);
    expect(await p.exited).toBe(2);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^thump: /);
    expect(lines[0]).toMatch(match);
  });

  it('exits 1 with a clear message when the db path is unwritable or the UDP port is taken', async () => {
    const { dir, secretFile } = setup();
    // A regular file where the db's folder should be: unwritable for every user, root included.
    writeFileSync(join(dir, 'file'), 'x');
    const db = spawnThump(
      ['monitor', '--http', 'off', '--secret-file', secretFile, '--db', join(dir, 'file', 't.db')],
      {
        THUMP_CONFIG: '',
      },
    );
    procs.push(db);
    expect(await db.exited).toBe(1);
    expect(db.stderr()).toMatch(/^thump: cannot open database .*file\/t\.db/);

    const port = await freeUdpPort();
    const holder = createSocket('udp4');
    await new Promise<void>((res) => holder.bind(port, '127.0.0.1', () => res()));
    cleanups.push(() => holder.close());
    const busy = spawnThump(
      [
        'monitor',
        '--http',
        'off',
        '--secret-file',
        secretFile,
        '--db',
        join(dir, 'b.db'),
        '--udp',
        `127.0.0.1:${port}`,
      ],
      { THUMP_CONFIG: '' },
    );
    procs.push(busy);
    expect(await busy.exited).toBe(1);
    expect(busy.stderr().trim()).toMatch(
      new RegExp(`^thump: cannot listen for UDP on 127\\.0\\.0\\.1:${port}: the port is already in use$`),
    );
  });
});
