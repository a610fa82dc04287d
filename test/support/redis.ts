import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { freeTcpPort, type Proc, spawnProc, tempDir, waitFor } from './proc.js';

/** A real redis-server on loopback, owned by one test file. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` (`rediss://` with tls; with the password when one was set). */
  url: string;
  /** With tls: the PEM file of the CA that signed the server certificate. */
  caPath?: string;
  proc: Proc;
  /** Kills the server and removes its folder (bounded). */
  stop: () => Promise<void>;
}

export interface RedisOptions {
  /** `--requirepass`; the returned URL carries it. */
  password?: string;
  /** How long to wait for the first PONG. Default 15 s. */
  timeoutMs?: number;
  /** Reuse a port (restart tests). Default: a free one. */
  port?: number;
  /** Serve TLS only, with a certificate for 127.0.0.1 from a throwaway CA (needs openssl). */
  tls?: boolean;
}

const REDIS_BIN = process.env.THUMP_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * Starts `redis-server` on a free port bound to 127.0.0.1, with no persistence
 * (`--save '' --appendonly no`) in a temp folder, and waits until it answers PING.
 * Fails with the reason (missing binary, exit, no PONG) instead of skipping.
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  if (!existsSync(REDIS_BIN)) {
    throw new Error(`redis-server not found at ${REDIS_BIN}: install the Debian package redis-server`);
  }
  const dir = tempDir('thump-redis-');
  const port = opts.port ?? (await freeTcpPort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir.path,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  if (opts.password) args.push('--requirepass', opts.password);
  let caPath: string | undefined;
  if (opts.tls) {
    const t = makeTlsFiles(dir.path);
    caPath = t.ca;
    args[0] = '--tls-port';
    args.push('--port', '0', '--tls-cert-file', t.cert, '--tls-key-file', t.key);
    args.push('--tls-ca-cert-file', t.ca, '--tls-auth-clients', 'no');
  }
  const proc = spawnProc(REDIS_BIN, args);
  const stop = async () => {
    await proc.stop('SIGTERM', 3000);
    dir.cleanup();
  };
  try {
    await Promise.race([
      waitFor(
        () => ping(port, opts.password, caPath),
        `redis-server on 127.0.0.1:${port} to answer PING`,
        opts.timeoutMs ?? 15_000,
      ),
      proc.exited.then((code) => {
        throw new Error(`redis-server exited (${code}) before answering: ${proc.stderr()}${proc.stdout()}`);
      }),
    ]);
  } catch (err) {
    const log = `${proc.stderr()}${proc.stdout()}`.trim();
    await stop();
    throw log ? new Error(`${(err as Error).message}\nredis-server output: ${log.slice(-2000)}`) : err;
  }
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  const scheme = opts.tls ? 'rediss' : 'redis';
  return { port, url: `${scheme}://${auth}127.0.0.1:${port}`, proc, stop, ...(caPath ? { caPath } : {}) };
}

/** A CA and a server certificate for 127.0.0.1 signed by it, via the openssl CLI. */
function makeTlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    try {
      execFileSync('openssl', args, { stdio: 'pipe' });
    } catch (err) {
      throw new Error(
        `openssl ${args[0]} failed (is openssl installed?): ${String((err as { stderr?: Buffer }).stderr ?? err)}`,
      );
    }
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=thump test CA',
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  ]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/** Sends one inline PING (after AUTH when needed) and resolves true on +PONG. */
function ping(port: number, password?: string, caPath?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = caPath
      ? tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(caPath) })
      : createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.on(caPath ? 'secureConnect' : 'connect', () =>
      sock.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`),
    );
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG')) done(true);
      else if (buf.includes('-')) done(false);
    });
  });
}
