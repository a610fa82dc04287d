import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createProbeOptions,
  openClient,
  type ProbeSetup,
  probeHost,
  runCommand,
  type SweepResult,
  type SweepTarget,
} from '../src/sweep/index.js';
import { spawnProc, tempDir, waitFor } from './support/proc.js';
import { type Sshd, startSshd } from './support/sshd.js';
import { type BadServer, closedPort, startBadServer } from './support/sweep-bad-servers.js';

let sshd: Sshd;
const bad: BadServer[] = [];
const tmp = tempDir('thump-probe-');

beforeAll(async () => {
  sshd = await startSshd({ addresses: 3, ipv6: true });
});
afterAll(async () => {
  await Promise.all(bad.map((b) => b.close()));
  await sshd?.stop();
  tmp.cleanup();
});

function target(host: string, port: number, user = sshd.user): SweepTarget {
  return { spec: `${user}@${host}:${port}`, host, port, user };
}

function opts(extra: ProbeSetup = {}) {
  return createProbeOptions({
    identityFiles: [sshd.clientKeyPath],
    knownHostsFile: sshd.knownHostsPath,
    connectTimeoutMs: 3000,
    timeoutMs: 5000,
    env: {},
    ...extra,
  });
}

function expectError(r: SweepResult, cls: string) {
  expect(r.status, JSON.stringify(r)).toBe('error');
  if (r.status === 'error') expect(r.errorClass, r.message).toBe(cls);
}

describe('probeHost against a real sshd', () => {
  it('reads the same uptime as /proc/uptime on this machine', async () => {
    const r = await probeHost(target('127.0.0.1', sshd.port), opts());
    const local = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(r.status, JSON.stringify(r)).toBe('ok');
    if (r.status !== 'ok') return;
    expect(Math.abs(r.uptimeSeconds - local)).toBeLessThan(3);
    expect(Math.abs(Date.parse(r.bootedAt) - (Date.now() - local * 1000))).toBeLessThan(3000);
    expect(r.load1).toBeGreaterThanOrEqual(0);
    expect(r.target).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);
  });

  it('answers on every listen address (IPv4 and IPv6) as a distinct host', async () => {
    const rs = await Promise.all(
      ['127.0.0.1', '127.0.0.2', '::1'].map((h) => probeHost(target(h, sshd.port), opts())),
    );
    expect(rs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('logs in through ssh-agent (SSH_AUTH_SOCK) when no key file is given', async () => {
    const sock = join(tmp.path, 'agent.sock');
    const agent = spawnProc('ssh-agent', ['-D', '-a', sock]);
    try {
      await waitFor(() => existsSync(sock), 'ssh-agent socket');
      execFileSync('ssh-add', [sshd.clientKeyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'pipe',
      });
      const viaAgent = createProbeOptions({
        knownHostsFile: sshd.knownHostsPath,
        env: { SSH_AUTH_SOCK: sock },
        home: join(tmp.path, 'empty-home'),
      });
      expect(viaAgent.auth.agent).toBe(sock);
      const r = await probeHost(target('127.0.0.1', sshd.port), viaAgent);
      expect(r.status, JSON.stringify(r)).toBe('ok');
    } finally {
      await agent.stop();
    }
  });

  it('falls back to ~/.ssh/id_ed25519 when there is no agent', async () => {
    const home = join(tmp.path, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    copyFileSync(sshd.clientKeyPath, join(home, '.ssh', 'id_ed25519'));
    const o = createProbeOptions({ knownHostsFile: sshd.knownHostsPath, env: {}, home });
    const r = await probeHost(target('127.0.0.2', sshd.port), o);
    expect(r.status, JSON.stringify(r)).toBe('ok');
  });

  it('resolves a host name and checks known_hosts under that name', async () => {
    const kh = join(tmp.path, 'name_known_hosts');
    writeFileSync(kh, `[localhost]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const r = await probeHost(target('localhost', sshd.port), opts({ knownHostsFile: kh }));
    expect(r.status, JSON.stringify(r)).toBe('ok');
    expect(r.host).toBe('localhost');
  });

  it('classifies a rejected key as auth', async () => {
    const r = await probeHost(target('127.0.0.1', sshd.port), opts({ identityFiles: [sshd.wrongKeyPath] }));
    expectError(r, 'auth');
  });

  it('classifies a changed host key as host-key without attempting a login', async () => {
    const kh = join(tmp.path, 'changed_known_hosts');
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    writeFileSync(kh, `[127.0.0.3]:${sshd.port} ssh-ed25519 ${other}\n`);
    const r = await probeHost(target('127.0.0.3', sshd.port), opts({ knownHostsFile: kh }));
    expectError(r, 'host-key');
    if (r.status === 'error') expect(r.message).toContain('CHANGED');
    // Only this test talks to 127.0.0.3: find its connection in sshd's log, wait for the
    // disconnect, and check that no authentication was ever attempted on it.
    const srcPort = await waitFor(
      () => /Connection from 127\.0\.0\.1 port (\d+) on 127\.0\.0\.3 /.exec(sshd.log())?.[1],
      'sshd to log the connection to 127.0.0.3',
    );
    await waitFor(
      () =>
        new RegExp(`(Disconnected from|Connection closed by) 127\\.0\\.0\\.1 port ${srcPort}\\b`).test(
          sshd.log(),
        ),
      'sshd to log the disconnect',
    );
    const lines = sshd
      .log()
      .split('\n')
      .filter((l) => new RegExp(`port ${srcPort}\\b`).test(l));
    expect(lines.filter((l) => /publickey|authenticating|Accepted|Failed/.test(l))).toEqual([]);
  });

  it('classifies a host whose recorded key type the server no longer offers as host-key', async () => {
    const kh = join(tmp.path, 'rsa_known_hosts');
    const rsa =
      'AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA8Zx9rG8XqzXr1VqkJ8b6pKzT4u2uNfYd0u2pnmS4xNq0c8xqkEwKk2Yk5Fq3qGvYVw2B2d4wKq2t8o4lHk1nGk8C8y5D1bqk3kA8nE4P9vW9i3k5cY2dQ4O2qk1k6cZx7d1nK8r0o0b3p9d9w3i4m1m5T1b0a6V1u8o2H1v7b2h3c8s6y9p4k0j5l2e7g1f3d8a9s0z2x4c6v8b0n1m3q5w7e9r1t3y5u7i9o0p2a4s6d8f0g2h4j6k8l0z1x3c5v7b9n0m2q4w6e8r0t2y4u6i8o0p1a3s5d7f9g1h3j5k7l9';
    writeFileSync(kh, `[127.0.0.2]:${sshd.port} ssh-rsa ${rsa}\n`);
    const r = await probeHost(target('127.0.0.2', sshd.port), opts({ knownHostsFile: kh }));
    expectError(r, 'host-key');
    if (r.status === 'error') expect(r.message).toContain('offers none of the host key types');
  });

  it('accepts a known_hosts file hashed by ssh-keygen -H', async () => {
    const kh = join(tmp.path, 'hashed_known_hosts');
    copyFileSync(sshd.knownHostsPath, kh);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'pipe' });
    expect(readFileSync(kh, 'utf8')).toMatch(/^\|1\|/);
    const r = await probeHost(target('127.0.0.1', sshd.port), opts({ knownHostsFile: kh }));
    expect(r.status, JSON.stringify(r)).toBe('ok');
  });

  it('refuses an unknown host in strict mode and trusts it once with accept-new', async () => {
    const kh = join(tmp.path, 'tofu_known_hosts');
    const strict = await probeHost(target('127.0.0.1', sshd.port), opts({ knownHostsFile: kh }));
    expectError(strict, 'host-key');
    const first = await probeHost(
      target('127.0.0.1', sshd.port),
      opts({ knownHostsFile: kh, hostKeyMode: 'accept-new' }),
    );
    expect(first.status).toBe('ok');
    expect(readFileSync(kh, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const again = await probeHost(target('127.0.0.1', sshd.port), opts({ knownHostsFile: kh }));
    expect(again.status).toBe('ok');
  });

  it('classifies a closed port as refused', async () => {
    expectError(await probeHost(target('127.0.0.1', await closedPort()), opts()), 'refused');
  });

  it('classifies an address the kernel cannot route to as unreachable', async () => {
    // TCP to a multicast group fails locally with ENETUNREACH: no packet leaves the machine.
    expectError(await probeHost(target('224.0.0.1', 22), opts()), 'unreachable');
  });

  it('classifies a .invalid name as dns', async () => {
    expectError(await probeHost(target('no-such-host.invalid', 22), opts()), 'dns');
  });

  it('classifies a listener that never speaks as timeout, within the connect timeout', async () => {
    const s = await startBadServer('silent');
    bad.push(s);
    const t0 = Date.now();
    const r = await probeHost(
      target('127.0.0.1', s.port),
      opts({ connectTimeoutMs: 1500, timeoutMs: 10_000 }),
    );
    expectError(r, 'timeout');
    expect(Date.now() - t0).toBeLessThan(9000);
  });

  it('classifies a listener that closes at once as protocol', async () => {
    const s = await startBadServer('close');
    bad.push(s);
    expectError(await probeHost(target('127.0.0.1', s.port), opts()), 'protocol');
  });

  it('classifies a listener that speaks garbage as protocol', async () => {
    const s = await startBadServer('garbage');
    bad.push(s);
    expectError(await probeHost(target('127.0.0.1', s.port), opts()), 'protocol');
  });

  it('classifies a failing remote command as command', async () => {
    const r = await probeHost(target('127.0.0.1', sshd.port), opts({ command: 'echo nope >&2; exit 3' }));
    expectError(r, 'command');
    if (r.status === 'error') expect(r.message).toContain('exit 3');
  });

  it('does not make the server prove the host keys it announces after login', async () => {
    // Control: a plain ssh2 client answers sshd's hostkeys-00 announcement with a
    // hostkeys-prove request and emits 'hostkeys' once the proofs are checked. Two commands
    // run after login are enough for that round trip: sshd answers requests in order.
    const key = readFileSync(sshd.clientKeyPath);
    const plain = new ssh2.Client();
    let plainProved = false;
    plain.on('hostkeys', () => {
      plainProved = true;
    });
    await new Promise<void>((res, rej) => {
      plain.once('ready', res).once('error', rej);
      plain.connect({ host: '127.0.0.1', port: sshd.port, username: sshd.user, privateKey: key });
    });
    const deadline = () => performance.now() + 5000;
    for (let i = 0; i < 2; i++) await runCommand(plain, 'true', deadline(), 5000);
    plain.end();
    expect(plainProved).toBe(true);

    const client = await openClient(target('127.0.0.1', sshd.port), opts(), deadline());
    let proved = false;
    client.on('hostkeys', () => {
      proved = true;
    });
    for (let i = 0; i < 2; i++) await runCommand(client, 'true', deadline(), 5000);
    client.end();
    expect(proved).toBe(false);
  });

  it('negotiates ECDH P-256 with OpenSSH and still logs in where only curve25519 is offered', async () => {
    const kex: string[] = [];
    const connect = ssh2.Client.prototype.connect;
    const spy = vi.spyOn(ssh2.Client.prototype, 'connect').mockImplementation(function (
      this: ssh2.Client,
      cfg,
    ) {
      this.once('handshake', (n) => kex.push(n.kex));
      return connect.call(this, cfg);
    });
    const only25519 = await startSshd({ extraConfig: ['KexAlgorithms curve25519-sha256'] });
    try {
      expect((await probeHost(target('127.0.0.1', sshd.port), opts())).status).toBe('ok');
      const r = await probeHost(
        target('127.0.0.1', only25519.port),
        opts({ identityFiles: [only25519.clientKeyPath], knownHostsFile: only25519.knownHostsPath }),
      );
      expect(r.status, JSON.stringify(r)).toBe('ok');
      expect(kex).toEqual(['ecdh-sha2-nistp256', 'curve25519-sha256']);
    } finally {
      spy.mockRestore();
      await only25519.stop();
    }
  });
});
