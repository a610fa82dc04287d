import { dirname, join } from 'node:path';
import type pino from 'pino';
import { ConfigError } from '../errors.js';
import {
  type HttpServer,
  httpLimits,
  loadOrCreateToken,
  parseListen,
  startHttpServer,
} from '../http/index.js';
import {
  formatListen,
  MonitorService,
  parseMulticast,
  parseUdpListen,
  type UdpListen,
} from '../monitor/index.js';
import { type NotifyPipeline, startNotifyPipeline } from '../notify/index.js';
import { openStore, type Store } from '../store/index.js';
import type { ThumpConfig } from './config-schema.js';
import { configuredHttpToken, monitorKeyring } from './monitor-secrets.js';

/**
 * A monitor with its store, notify pipeline and HTTP server, as `thump monitor` runs it:
 * the one place that wires the monitor, notify and HTTP areas together.
 */
export interface RunningMonitor {
  monitor: MonitorService;
  store: Store;
  /** The store's target with any password redacted (safe to print). */
  dbPath: string;
  udp: UdpListen[];
  httpUrl?: string;
  /** Graceful stop: HTTP, receiver, last events and host rows, pipeline, database. */
  stop(): Promise<void>;
}

/** The API token: configured, else generated next to a SQLite file (a PostgreSQL store has no folder). */
function httpToken(cfg: ThumpConfig, env: NodeJS.ProcessEnv, store: Store): string {
  const configured = configuredHttpToken(cfg, env);
  if (configured !== undefined) return configured;
  if (store.kind !== 'sqlite') {
    throw new ConfigError(
      'http: with a PostgreSQL store (monitor.db_path is a URL) the API token cannot be generated next to the database file; set http.token or http.token_file, or use --http off',
    );
  }
  return loadOrCreateToken(join(dirname(store.target), 'api-token')).token;
}

/**
 * Validates everything that can be wrong before binding anything (secret, listen
 * addresses), then opens the store (`openStore`: a SQLite path or a PostgreSQL URL),
 * starts the notify pipeline (so its outbox hook sees
 * the very first event), the monitor and the HTTP server. Errors are ThumpErrors: usage
 * problems exit 2, unavailable resources (db, ports) exit 1.
 */
export async function runMonitor(
  cfg: ThumpConfig,
  opts: { logger: pino.Logger; env?: NodeJS.ProcessEnv; info?: Record<string, unknown> },
): Promise<RunningMonitor> {
  const env = opts.env ?? process.env;
  const log = opts.logger;
  const m = cfg.monitor;
  const keyring = monitorKeyring(cfg, env, log);
  const listen = m.udp.map((u) => parseUdpListen(u, 'monitor.udp (--udp)'));
  for (const g of m.multicast) parseMulticast(g, 'monitor.multicast (--multicast)');
  const httpListen =
    cfg.http.listen === 'off' ? undefined : parseListen(cfg.http.listen, 'http.listen (--http)');
  const store = await openStore(m.db_path);
  const dbPath = store.target;
  const cleanup: Array<() => Promise<void> | void> = [() => store.close()];
  const unwind = async () => {
    for (const f of cleanup.reverse()) {
      try {
        await f();
      } catch {
        // best effort while failing
      }
    }
  };
  try {
    const monitor = new MonitorService({
      store,
      keyring,
      listen,
      multicast: m.multicast,
      recvBufferBytes: m.recv_buffer_bytes,
      receiver: m.receiver,
      legacy: m.legacy,
      maxSkewMs: m.max_clock_skew,
      flushIntervalMs: m.flush_interval,
      core: {
        timeoutMultiplier: m.timeout_multiplier,
        ...(m.timeout !== undefined ? { timeoutMs: m.timeout } : {}),
        detector: m.detector,
        phi: {
          threshold: m.phi.threshold,
          minStdMs: m.phi.min_std,
          minStdRatio: m.phi.min_std_ratio,
          acceptablePauseMs: m.phi.acceptable_pause,
          maxTimeoutMultiplier: m.phi.max_timeout_multiplier,
          minSamples: m.phi.min_samples,
          window: m.phi.window,
        },
        legacyIntervalMs: m.legacy_interval,
        flapping: { enabled: m.flapping.enabled, high: m.flapping.high, low: m.flapping.low },
        partition: {
          enabled: m.partition.enabled,
          minHosts: m.partition.min_hosts,
          silenceIntervals: m.partition.silence_intervals,
        },
        slotMs: Math.max(5, m.detector_slot),
      },
      logger: log,
    });
    const pipeline: NotifyPipeline = await startNotifyPipeline({
      store,
      monitor,
      config: cfg,
      logger: log,
    });
    cleanup.push(() => pipeline.stop());
    await monitor.start();
    cleanup.push(() => monitor.stop());
    let http: HttpServer | undefined;
    if (httpListen) {
      const token = httpToken(cfg, env, store);
      http = await startHttpServer({
        monitor,
        store,
        listen: httpListen,
        token,
        notify: pipeline,
        logger: log,
        info: { ...opts.info, udp: monitor.udp.map(formatListen), db: store.target, keyIds: keyring.ids() },
        sse: {
          heartbeatMs: cfg.http.sse_heartbeat,
          beatPeriodMs: cfg.http.sse_beat_period,
          maxBufferBytes: cfg.http.sse_max_buffer_bytes,
        },
        limits: httpLimits(cfg.http),
      });
      const h = http;
      cleanup.push(() => h.close());
      log.info({ http: http.url }, `HTTP API on ${http.url} (hosts: ${http.url}/api/hosts)`);
    }
    let stopping: Promise<void> | undefined;
    return {
      monitor,
      store,
      dbPath,
      udp: monitor.udp,
      ...(http ? { httpUrl: http.url } : {}),
      stop: () => {
        stopping ??= unwind();
        return stopping;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}

/**
 * Runs until SIGINT/SIGTERM, then stops gracefully (second signal: exit at once).
 * Resolves when stopped.
 */
export function untilSignal(running: { stop(): Promise<void> }, log: pino.Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      log.info(`received ${sig}, stopping`);
      running.stop().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        },
        (err: unknown) => {
          log.error({ err: (err as Error).message }, 'error while stopping');
          resolve();
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
