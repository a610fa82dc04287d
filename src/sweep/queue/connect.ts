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

/**
 * Calls `onOutage` once when any of `clients` has been without a connection for
 * `limitMs` (after start-up). ioredis would otherwise wait for Redis forever; a producer
 * uses this to give up with a clear error while its sweep stays resumable. Returns a
 * function that stops watching.
 */
export function watchOutage(
  clients: readonly Redis[],
  limitMs: number,
  onOutage: (lastError?: Error) => void,
): () => void {
  const timers = new Map<Redis, NodeJS.Timeout>();
  const lastErrors = new Map<Redis, Error>();
  let fired = false;
  const offs: (() => void)[] = [];
  for (const c of clients) {
    const onClose = () => {
      if (fired || timers.has(c)) return;
      timers.set(
        c,
        setTimeout(() => {
          if (fired) return;
          fired = true;
          onOutage(lastErrors.get(c));
        }, limitMs),
      );
    };
    const onReady = () => {
      clearTimeout(timers.get(c));
      timers.delete(c);
    };
    const onError = (err: Error) => lastErrors.set(c, err);
    c.on('close', onClose);
    c.on('ready', onReady);
    c.on('error', onError);
    offs.push(() => {
      c.off('close', onClose);
      c.off('ready', onReady);
      c.off('error', onError);
    });
  }
  return () => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    for (const off of offs) off();
  };
}
