import { z } from 'zod';
import { duration, parsedBy } from '../config/zod.js';
import { parseListen } from './listen.js';

/** `off`, or an address {@link parseListen} reads: the server's own parser is the check. */
const listenAddress = parsedBy('http.listen', (text, what) => text === 'off' || parseListen(text, what));

/**
 * The `http:` section of thump.yaml (owned by src/http/). The API binds to loopback by
 * default: exposing it is a deliberate choice. Write endpoints need a bearer token, taken
 * from `token`, `token_file`, `THUMP_HTTP_TOKEN`, or generated on first run next to the db.
 */
export const httpConfigShape = {
  http: z
    .strictObject({
      /** `ADDR:PORT` (`[::1]:8080` for IPv6); `off` disables the HTTP server. */
      listen: listenAddress.default('127.0.0.1:8080'),
      /** Bearer token for write endpoints. Prefer `token_file`. */
      token: z.string().min(16, 'expected a token of at least 16 characters').optional(),
      /** File holding the token (first line); relative to the config file's folder. */
      token_file: z.string().optional(),
      /** SSE keep-alive comment period (proxies drop idle streams). */
      sse_heartbeat: duration().default(15_000),
      /** How often the live stream pushes fresh beat data (last beat, uptime, load). */
      sse_beat_period: duration().default(1_000),
      /** A client whose unsent SSE data exceeds this many bytes is dropped; it reconnects and catches up. */
      sse_max_buffer_bytes: z.number().int().positive().default(1_048_576),
    })
    .refine((v) => !(v.token !== undefined && v.token_file !== undefined), {
      message: 'at most one of token & token_file must be configured',
    })
    .prefault({}),
} satisfies z.ZodRawShape;

export type HttpConfig = z.output<(typeof httpConfigShape)['http']>;
