import { dirname, join } from 'node:path';
import type pino from 'pino';
import type { ThumpConfig } from '../cli/config-schema.js';
import {
  type HttpServer,
  httpLimits,
  loadOrCreateToken,
  parseListen,
  startHttpServer,
} from '../http/index.js';
import { type NotifyPipeline, startNotifyPipeline } from '../notify/index.js';
import { type Db, openDb } from '../store/db.js';
import { coreMigrations } from '../store/events.js';
import { formatListen, parseMulticast, parseUdpListen, type UdpListen } from './listen.js';
import { Monitor } from './monitor.js';
import { configuredHttpToken, monitorKeyring } from './secrets.js';

/** A monitor with its database, notify pipeline and HTTP server, as `thump monitor` runs it. */
export interface RunningMonitor {
  monitor: Monitor;
  db: Db;
  dbPath: string;
  udp: UdpListen[];
  httpUrl?: string;
  /** Graceful stop: HTTP, receiver, last events and host rows, pipeline, database. */
  stop(): Promise<void>;
}

function httpToken(cfg: ThumpConfig, env: NodeJS.ProcessEnv, dbPath: string): string {
  return configuredHttpToken(cfg, env) ?? loadOrCreateToken(join(dirname(dbPath), 'api-token')).token;
}

/**
 * Validates everything that can be wrong before binding anything (secret, listen
 * addresses), then opens the database, starts the notify pipeline (so its outbox hook sees
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
  const dbPath = m.db_path;
  const db = openDb(dbPath, [coreMigrations]);
  const cleanup: Array<() => Promise<void> | void> = [
    () => {
      db.close();
    },
  ];
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
    const monitor = new Monitor({
      db,
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
    const pipeline: NotifyPipeline = await startNotifyPipeline({ db, monitor, config: cfg, logger: log });
    cleanup.push(() => pipeline.stop());
    await monitor.start();
    cleanup.push(() => monitor.stop());
    let http: HttpServer | undefined;
    if (httpListen) {
      http = await startHttpServer({
        monitor,
        db,
        listen: httpListen,
        token: httpToken(cfg, env, dbPath),
        notify: pipeline,
        logger: log,
        info: { ...opts.info, udp: monitor.udp.map(formatListen), db: dbPath, keyIds: keyring.ids() },
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
      db,
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
