/**
 * A real OpenSSH sshd for tests and benchmarks: own config, own host key, a generated
 * client key in a temporary authorized_keys, up to 16 loopback "hosts" (127.0.0.x) on
 * one free port, logging in as a dedicated user whose shell is /bin/sh (root's login
 * shell would run .bashrc on every exec). Everything lives in a temp dir removed by stop().
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freeTcpPort, type Proc, spawnProc, tempDir, waitFor } from './proc.js';

/** The login user tests sweep as. */
export const SSH_TEST_USER = 'thumptest';

export interface SshdOptions {
  /** How many 127.0.0.x addresses to listen on (1-16, OpenSSH's limit). Default 1. */
  addresses?: number;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Also listen on [::1] (it counts toward the 16 addresses and is last in `hosts`). */
  ipv6?: boolean;
  /** Host key type for ssh-keygen. Default ed25519. */
  hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa';
}

export interface Sshd {
  port: number;
  /** The addresses it listens on, `127.0.0.1` first. */
  hosts: string[];
  user: string;
  dir: string;
  /** Client private key file (OpenSSH format, no passphrase) accepted by this sshd. */
  clientKeyPath: string;
  /** Another client key this sshd does NOT accept. */
  wrongKeyPath: string;
  /** `ssh-ed25519 AAAA...` of the host key. */
  hostPublicKey: string;
  /** A known_hosts file trusting this sshd on all of its addresses and port. */
  knownHostsPath: string;
  proc: Proc;
  /** sshd's log so far (LogLevel VERBOSE, on stderr). */
  log: () => string;
  stop: () => Promise<void>;
}

/** Creates the test user once (idempotent, tolerant of a parallel creator). */
export function ensureTestUser(user = SSH_TEST_USER): void {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
    return;
  } catch {
    // not there yet
  }
  try {
    // `-p '*'`: no password, but not "locked" (a `!` password makes sshd refuse keys too).
    execFileSync('useradd', ['-m', '-s', '/bin/sh', '-p', '*', user], { stdio: 'pipe' });
  } catch (err) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `cannot create the sshd test user ${user} (tests must run as root): ${String((err as { stderr?: Buffer }).stderr ?? err)}`,
      );
    }
  }
}

function keygen(path: string, type: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'thump-test', '-f', path], { stdio: 'pipe' });
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** Resolves when a TCP connection to host:port succeeds once. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** Starts sshd and waits until every address accepts connections. */
export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const n = Math.min(Math.max(opts.addresses ?? 1, 1), opts.ipv6 ? 15 : 16);
  ensureTestUser();
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const tmp = tempDir('thump-sshd-');
  const dir = tmp.path;
  // sshd reads authorized_keys as the login user: the folder must be readable by it.
  chmodSync(dir, 0o755);
  const hostKeyPath = join(dir, 'host_key');
  const hostPublicKey = keygen(hostKeyPath, opts.hostKeyType ?? 'ed25519')
    .split(' ')
    .slice(0, 2)
    .join(' ');
  const clientKeyPath = join(dir, 'client_key');
  const clientPub = keygen(clientKeyPath, 'ed25519');
  const wrongKeyPath = join(dir, 'wrong_key');
  keygen(wrongKeyPath, 'ed25519');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${clientPub}\n`, { mode: 0o644 });
  chmodSync(authorizedKeys, 0o644);

  const port = await freeTcpPort();
  const hosts = Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
  if (opts.ipv6) hosts.push('::1');
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const config = [
    ...hosts.map((h) => `ListenAddress ${bracket(h)}:${port}`),
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    `AllowUsers ${SSH_TEST_USER}`,
    'StrictModes no',
    'UsePAM no',
    'UseDNS no',
    // The default (10:30:100) drops connections above 10 handshakes in flight.
    'MaxStartups 1000',
    'MaxSessions 1000',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    ...(opts.extraConfig ?? []),
  ];
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${config.join('\n')}\n`);
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, hosts.map((h) => `[${h}]:${port} ${hostPublicKey}\n`).join(''));

  const proc = spawnProc('/usr/sbin/sshd', ['-D', '-e', '-f', configPath]);
  const stop = async () => {
    await proc.stop('SIGTERM', 3000);
    tmp.cleanup();
  };
  try {
    await Promise.race([
      waitFor(
        async () => (await Promise.all(hosts.map((h) => canConnect(h, port)))).every(Boolean),
        `sshd listening on ${hosts.join(', ')} port ${port}`,
        20_000,
      ),
      proc.exited.then((code) => {
        throw new Error(`sshd exited (${code}) before listening: ${proc.stderr().trim()}`);
      }),
    ]);
  } catch (err) {
    const stderr = proc.stderr().trim();
    await stop();
    throw new Error(`${(err as Error).message}${stderr ? `\nsshd stderr: ${stderr}` : ''}`);
  }
  return {
    port,
    hosts,
    user: SSH_TEST_USER,
    dir,
    clientKeyPath,
    wrongKeyPath,
    hostPublicKey,
    knownHostsPath,
    proc,
    log: () => proc.stderr(),
    stop,
  };
}

/** True when this machine can run the harness at all (for clear failure messages). */
export function sshdAvailable(): boolean {
  return existsSync('/usr/sbin/sshd');
}
