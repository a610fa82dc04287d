import { Redis } from 'ioredis';
import { ResourceError } from '../../errors.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';

/** How long the first connection (TCP, TLS, AUTH, PING) may take before we give up. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface ConnectOptions {
  connectTimeoutMs?: number;
  /** Shown in `CLIENT LIST` so an operator can tell producers from workers. */
  connectionName?: string;
}

/**
 * Opens an ioredis client and proves the server answers (PING) within a bounded time.
 * An unreachable server, refused AUTH or bad TLS becomes a {@link ResourceError} naming
 * the URL without its password (exit 1). Once connected, the client reconnects on its own
 * with a capped backoff, and commands wait for it (`maxRetriesPerRequest: null`, which
 * BullMQ requires for workers) instead of failing a sweep on a short Redis blip.
 */
export async function connectRedis(url: string, opts: ConnectOptions = {}): Promise<Redis> {
  checkRedisUrl(url);
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let everReady = false;
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    ...(opts.connectionName === undefined ? {} : { connectionName: opts.connectionName }),
    // Before the first success: fail fast (the caller reports it). After: keep trying.
    retryStrategy: (times) => (everReady ? Math.min(100 * 2 ** Math.min(times, 5), 3000) : null),
  });
  // ioredis prints "Unhandled error event" to the console without a listener.
  client.on('error', (err: Error) => {
    lastError = err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    everReady = true;
    return client;
  } catch (err) {
    // After a failed first connect ioredis has already ended the client; disconnect()
    // then would arm a 2 s timer on the dead socket and hold the process open.
    if (client.status !== 'end') client.disconnect();
    const why = describe(err, lastError);
    throw new ResourceError(`cannot reach Redis at ${redactRedisUrl(url)}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** The most useful short reason: the socket error (ECONNREFUSED, ENOTFOUND, WRONGPASS...). */
function describe(err: unknown, socketError: Error | undefined): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (socketError && /Connection is closed|no answer/.test(msg) && socketError.message !== msg) {
    return socketError.message;
  }
  return msg;
}
