import { z } from 'zod';
import { duration, parsedBy } from '../config/zod.js';
import { parseListen } from './listen.js';

/** `off`, or an address {@link parseListen} reads: the server's own parser is the check. */
const listenAddress = parsedBy('http.listen', (text, what) => text === 'off' || parseListen(text, what));

/** A DNS name as a Host header carries it (no port, no wildcard). */
const hostName = z
  .string()
  .max(253, 'expected a host name of at most 253 characters')
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/,
    'expected a DNS name such as thump.example.com (no port, no wildcard)',
  );

/**
 * The `http:` section of thump.yaml (owned by src/http/). The API binds to loopback by
 * default: exposing it is a deliberate choice. Write endpoints need a bearer token, taken
 * from `token`, `token_file`, `THUMP_HTTP_TOKEN`, or generated on first run next to the db.
 * The limits below bound what one client can hold (docs/api.md, Limits).
 */
export const httpConfigShape = {
  http: z
    .strictObject({
      /** `ADDR:PORT` (`[::1]:8080` for IPv6); `off` disables the HTTP server. */
      listen: listenAddress.default('127.0.0.1:8080'),
      /** Bearer token for write endpoints. Prefer `token_file`. */
      token: z.string().min(16, 'expected a token of at least 16 characters').optional(),
      /** File holding the token (first line, mode 0600); relative to the config file's folder. */
      token_file: z.string().optional(),
      /** SSE keep-alive comment period (proxies drop idle streams). */
      sse_heartbeat: duration().default(15_000),
      /** How often the live stream pushes fresh beat data (last beat, uptime, load). */
      sse_beat_period: duration().default(1_000),
      /** A client whose unsent SSE data exceeds this many bytes is dropped; it reconnects and catches up. */
      sse_max_buffer_bytes: z.number().int().positive().default(1_048_576),
      /** Most live-stream (SSE) clients at once; one more gets 429. */
      sse_max_clients: z.number().int().positive().max(100_000).default(100),
      /**
       * Host names (the `Host` header, without port) the API answers to besides IP literals,
       * `localhost` and the listen address: a defence against DNS rebinding. Others get 421.
       */
      allowed_hosts: z.array(hostName).max(100).default([]),
      /** Most open connections from one remote address; more are answered 429 and closed. */
      max_connections_per_address: z.number().int().positive().max(100_000).default(64),
      /** Time a client has to send a whole request (headers and body); 408 after it. */
      request_timeout: duration().default(30_000),
      /** Time a client has to send the request headers; the connection is closed after it. */
      headers_timeout: duration().default(10_000),
      /** A connection silent this long in the middle of a request or answer is closed (between requests keep_alive_timeout applies; live streams are exempt). */
      connection_timeout: duration().default(60_000),
      /** An idle keep-alive connection is closed after this long. */
      keep_alive_timeout: duration().default(5_000),
      /** Requests served on one keep-alive connection before it is closed (0: unlimited). */
      max_requests_per_socket: z.number().int().nonnegative().default(1_000),
      /** Largest request header block in bytes; more gets 431. */
      max_header_size: z.number().int().min(1024).max(1_048_576).default(16_384),
      /** Largest request body in bytes; more gets 413. */
      body_limit: z.number().int().min(1024).max(104_857_600).default(1_048_576),
      /** `/healthz` says degraded when the event loop's recent p99 delay exceeds this. */
      health_max_event_loop_lag: duration().default(1_000),
      /** `/healthz` says degraded after this many notify dispatcher steps failed in a row. */
      health_max_dispatch_failures: z.number().int().positive().default(3),
    })
    .refine((v) => !(v.token !== undefined && v.token_file !== undefined), {
      message: 'at most one of token & token_file must be configured',
    })
    .refine((v) => v.headers_timeout > 0 && v.request_timeout > 0, {
      message:
        'headers_timeout and request_timeout must be more than 0 (an unbounded request holds a connection forever)',
    })
    .refine((v) => v.headers_timeout <= v.request_timeout, {
      message: 'headers_timeout must not exceed request_timeout',
    })
    .prefault({}),
} satisfies z.ZodRawShape;

export type HttpConfig = z.output<(typeof httpConfigShape)['http']>;

/** What the server enforces per connection and request (the limit keys of {@link HttpConfig}). */
export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxRequestsPerSocket: number;
  maxHeaderSize: number;
  bodyLimit: number;
  sseMaxClients: number;
  maxConnectionsPerAddress: number;
  allowedHosts: readonly string[];
  healthMaxEventLoopLagMs: number;
  healthMaxDispatchFailures: number;
}

/** The limits of a parsed `http:` section. */
export function httpLimits(c: HttpConfig): HttpLimits {
  return {
    requestTimeoutMs: c.request_timeout,
    headersTimeoutMs: c.headers_timeout,
    connectionTimeoutMs: c.connection_timeout,
    keepAliveTimeoutMs: c.keep_alive_timeout,
    maxRequestsPerSocket: c.max_requests_per_socket,
    maxHeaderSize: c.max_header_size,
    bodyLimit: c.body_limit,
    sseMaxClients: c.sse_max_clients,
    maxConnectionsPerAddress: c.max_connections_per_address,
    allowedHosts: c.allowed_hosts,
    healthMaxEventLoopLagMs: c.health_max_event_loop_lag,
    healthMaxDispatchFailures: c.health_max_dispatch_failures,
  };
}

/** The defaults of every limit (what an app built without a config gets). */
export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze(
  httpLimits(httpConfigShape.http.parse({})),
) as HttpLimits;
