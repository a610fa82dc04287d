import type { Logger } from 'pino';
import type { MonitorView } from '../monitor/types.js';
import type { NotifyView } from '../notify/types.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../util/clock.js';
import type { HttpLimits } from './config.js';

/** Everything the HTTP layer reads or drives. Only `monitor`, `store` and `listen` are required. */
export interface HttpDeps {
  monitor: MonitorView;
  /**
   * Where every persisted read and write goes (events, silences, sweeps, the health
   * probe): SQLite or PostgreSQL, the HTTP layer never learns which.
   */
  store: Store;
  listen: { host: string; port: number };
  /** Bearer token for write endpoints; without one every write answers 401. */
  token?: string;
  notify?: NotifyView;
  logger?: Logger;
  clock?: Clock;
  /** Extra facts for `GET /api/info` (version, udp port, db path...). */
  info?: Record<string, unknown>;
  /** SSE tuning (defaults from the `http:` config section). */
  sse?: { heartbeatMs?: number; beatPeriodMs?: number; maxBufferBytes?: number };
  /** Timeouts, size and connection caps, allowed Host names (defaults: the `http:` schema's). */
  limits?: Partial<HttpLimits>;
}

/** A running HTTP server. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}
