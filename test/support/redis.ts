import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freeTcpPort, type Proc, spawnProc, tempDir, waitFor } from './proc.js';

/** A real redis-server on loopback, owned by one test file. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` (or with the password when one was set). */
  url: string;
  proc: Proc;
  /** Kills the server and removes its folder (bounded). */
  stop: () => Promise<void>;
}

const REDIS_BIN = process.env.THUMP_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * Starts `redis-server` on a free port bound to 127.0.0.1, with no persistence
 * (`--save '' --appendonly no`) in a temp folder, and waits until it answers PING.
 * Fails with the reason (missing binary, exit, no PONG) instead of skipping.
 */
export async function startRedis(
  opts: { password?: string; timeoutMs?: number /** Reuse a port (restart tests). */; port?: number } = {},
): Promise<RedisServer> {
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
  const proc = spawnProc(REDIS_BIN, args);
  const stop = async () => {
    await proc.stop('SIGTERM', 3000);
    dir.cleanup();
  };
  try {
    await Promise.race([
      waitFor(
        () => ping(port, opts.password),
        `redis-server on 127.0.0.1:${port} to answer PING`,
        opts.timeoutMs ?? 15_000,
      ),
      proc.exited.then((code) => {
        throw new Error(`redis-server exited (${code}) before answering: ${proc.stderr()}${proc.stdout()}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return { port, url: `redis://${auth}127.0.0.1:${port}`, proc, stop };
}

/** Sends one inline PING (after AUTH when needed) and resolves true on +PONG. */
function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.on('connect', () => sock.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG')) done(true);
      else if (buf.includes('-')) done(false);
    });
  });
}
