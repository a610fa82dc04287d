import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
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
  HaCoordinator,
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
  /** The high-availability loop (lease, suspects); with SQLite the lease is always held. */
  ha: HaCoordinator;
  /** Graceful stop: HTTP, receiver, last events and host rows, pipeline, lease, database. */
  stop(): Promise<void>;
}

/**
 * The default `monitor.ha.monitor_id`: the machine's host name plus a 6-hex suffix hashed
 * from the UDP and HTTP listen addresses, so it is stable across restarts with the same
 * config and two monitors on one machine (different ports) still get different ids.
 */
export function defaultMonitorId(cfg: ThumpConfig, host = hostname()): string {
  const name =
    host
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 100) || 'monitor';
  const suffix = createHash('sha256')
    .update(JSON.stringify([cfg.monitor.udp, cfg.http.listen]))
    .digest('hex')
    .slice(0, 6);
  return `${name}-${suffix}`;
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
  const monitorId = m.ha.monitor_id ?? defaultMonitorId(cfg);
  // The coordinator needs the service's core, the service and pipeline need the coordinator.
  let haRef: HaCoordinator | undefined;
  const haControl = {
    get monitorId() {
      return monitorId;
    },
    get role() {
      return haRef?.role ?? 'standby';
    },
    get epoch() {
      return haRef?.epoch ?? 0;
    },
    get leader() {
      return haRef?.leader ?? '';
    },
    get takeovers() {
      return haRef?.takeovers ?? 0;
    },
    get storeUp() {
      return haRef?.storeUp ?? true;
    },
    fence: () => haRef?.fence(),
    noteFenced: (epoch: number) => haRef?.noteFenced(epoch),
    start: () => haRef?.start(),
    ready: async () => haRef?.ready(),
    stop: async () => haRef?.stop(),
  };
  let pipeline: NotifyPipeline | undefined;
  let monitorRef: MonitorService | undefined;
  let activation: Promise<void> | undefined;
  // Reconcile the event log first (events before notifications), then deliver.
  const becameActive = async () => {
    await monitorRef?.becameActive();
    await pipeline?.activate();
  };
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
      maxPendingEvents: m.max_pending_events,
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
      ha: haControl,
    });
    monitorRef = monitor;
    const ha = new HaCoordinator({
      monitorId,
      lease: store.lease,
      rows: store.monitors,
      core: monitor.core,
      clock: { now: () => Date.now() },
      logger: log,
      leaseTtlMs: m.ha.lease_ttl,
      leaseMarginMs: m.ha.lease_margin,
      renewIntervalMs: m.ha.renew_interval,
      publishIntervalMs: m.ha.publish_interval,
      liveWindowMs: m.ha.live_window,
      maxSuspectRows: m.ha.max_suspect_rows,
      info: { pid: process.pid, ...(opts.info?.version !== undefined ? { version: opts.info.version } : {}) },
      onTransition: (t) => {
        if (t.kind === 'became-active') activation = becameActive();
      },
      onStoreState: (up, detail) => void pipeline?.selfAlert(up ? 'store-up' : 'store-down', detail),
    });
    haRef = ha;
    // Given up after the pipeline stopped (its last marks are fenced), before the store closes.
    cleanup.push(() => ha.stop());
    pipeline = await startNotifyPipeline({
      store,
      monitor,
      config: cfg,
      logger: log,
      ha: haControl,
      monitorId,
    });
    const p = pipeline;
    cleanup.push(() => p.stop());
    await monitor.start();
    cleanup.push(() => monitor.stop());
    await activation;
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
      ha,
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
