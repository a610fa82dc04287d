/**
 * A real high-availability world for the multi-process failover tests and bench/ha-failover.ts:
 * one throw-away PostgreSQL, N real `thump monitor` processes (the built CLI, each on its own
 * loopback UDP and HTTP port, the same database URL, an `http.token`), simulated hosts sending
 * real signed beats (src/protocol encoder) to any subset of the monitors, optional real
 * `thump agent` processes, and one webhook capture receiver. Each monitor posts to its own
 * path (`/hook/<monitor id>`) of the one receiver, so every delivery says who sent it.
 *
 * Everything waits on conditions with a bound ({@link waitFor}); nothing sleeps "long enough".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { HostEvent } from '../../src/monitor/types.js';
import type { Key } from '../../src/protocol/types.js';
import { openStore } from '../../src/store/index.js';

export { type Audit, audit, auditFailures } from './ha-audit.js';
export { HaFleet } from './ha-fleet.js';
export { type Delivery, HaMonitor, type Healthz } from './ha-monitor.js';

import { HaFleet } from './ha-fleet.js';
import { type Delivery, HaMonitor, type Healthz } from './ha-monitor.js';
import { type CapturedRequest, type CaptureServer, startCaptureServer } from './notify-http.js';
import { writeSecret } from './pipeline-fleet.js';
import { type PgCluster, startPostgres } from './postgres.js';
import { freeTcpPort, freeUdpPort, type Proc, spawnThump, tempDir, waitFor } from './proc.js';

/** `monitor.ha` keys as thump.yaml takes them (durations as strings). */
export interface HaSettings {
  lease_ttl?: string;
  lease_margin?: string;
  renew_interval?: string;
  publish_interval?: string;
  live_window?: string;
}

/** Short settings: takeover in about 1.5-2 s (tests that need many rounds). */
export const SHORT_HA: HaSettings = {
  lease_ttl: '1500ms',
  lease_margin: '300ms',
  renew_interval: '400ms',
  publish_interval: '400ms',
  live_window: '1500ms',
};

export interface HaWorldOptions {
  /** How many monitors (2 or 3). */
  monitors: number;
  /** `monitor.ha` overrides (default: the product's defaults). */
  ha?: HaSettings;
  /** Beat interval of the simulated hosts (default 500 ms: a host is late after 1.5 s). */
  intervalMs?: number;
  /** Reuse a running PostgreSQL (the bench keeps one); default: start one. */
  pg?: PgCluster;
}

const TOKEN = 'ha-world-test-token-0123456789';

/** The whole world; {@link startHaWorld} builds it, {@link HaWorld.close} tears it down. */
export class HaWorld {
  readonly monitors: HaMonitor[] = [];
  readonly fleet: HaFleet;
  readonly agents: Proc[] = [];
  /** When the receiver got each request. */
  readonly arrivals = new WeakMap<CapturedRequest, number>();
  private constructor(
    readonly pg: PgCluster,
    private readonly ownPg: boolean,
    readonly url: string,
    readonly hook: CaptureServer,
    private readonly dir: { path: string; cleanup: () => void },
    readonly secretPath: string,
    key: Key,
    intervalMs: number,
  ) {
    this.fleet = new HaFleet(() => this.monitors.map((m) => m.udpPort), key, intervalMs);
  }

  /** Starts PostgreSQL, the receiver and the monitors (all started, none yet known active). */
  static async start(opts: HaWorldOptions): Promise<HaWorld> {
    const pg = opts.pg ?? (await startPostgres());
    const url = await pg.createDatabase('ha');
    const hook = await startCaptureServer();
    const dir = tempDir('thump-ha-world-');
    const secret = writeSecret(dir.path);
    const w = new HaWorld(
      pg,
      opts.pg === undefined,
      url,
      hook,
      dir,
      secret.path,
      secret.key,
      opts.intervalMs ?? 500,
    );
    hook.respond((req) => {
      w.arrivals.set(req, Date.now());
      return { status: 200, body: 'ok' };
    });
    for (let k = 1; k <= opts.monitors; k++) {
      const id = `m${k}`;
      const udp = await freeUdpPort();
      const http = await freeTcpPort();
      const configPath = join(dir.path, `${id}.yaml`);
      writeFileSync(
        configPath,
        JSON.stringify({
          monitor: {
            udp: [`127.0.0.1:${udp}`],
            db_path: url,
            secret_file: './secret',
            ha: { monitor_id: id, ...opts.ha },
          },
          http: { listen: `127.0.0.1:${http}`, token: TOKEN },
          notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}/hook/${id}` }],
          routes: [{ notifiers: ['ops'], events: ['new', 'down', 'up'] }],
          grouping: { group_wait: '0s' },
          delivery: { retry_initial: '200ms', retry_max: '500ms' },
        }),
      );
      w.monitors.push(new HaMonitor(id, udp, http, configPath));
    }
    // One at a time: they race for the lease anyway, and starting Node is CPU-heavy here.
    for (const m of w.monitors) await w.launch(m);
    return w;
  }

  /** Starts (or restarts) a monitor's process and waits until `/healthz` answers. */
  async launch(m: HaMonitor): Promise<void> {
    if (m.alive) throw new Error(`monitor ${m.id} is already running`);
    const p = spawnThump(['monitor', '--config', m.configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
    m.proc = p;
    m.paused = false;
    try {
      await waitFor(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`monitor ${m.id} exited ${p.child.exitCode}`);
          return (await m.health()) !== undefined;
        },
        `monitor ${m.id} to answer /healthz`,
        60_000,
        100,
      );
    } catch (err) {
      await p.stop('SIGKILL');
      throw new Error(`${(err as Error).message}\n${m.output()}`);
    }
  }

  /** kill -9: no goodbye, no lease release. Resolves once the process is gone. */
  async kill9(m: HaMonitor): Promise<void> {
    if (m.proc === undefined) return;
    if (m.paused) m.paused = false;
    await m.proc.stop('SIGKILL');
  }

  /** kill -STOP: the process freezes (a paused VM). */
  pause(m: HaMonitor): void {
    process.kill(m.pid, 'SIGSTOP');
    m.paused = true;
  }

  /** kill -CONT. */
  resume(m: HaMonitor): void {
    process.kill(m.pid, 'SIGCONT');
    m.paused = false;
  }

  /** Every running, unpaused monitor's `/healthz` (undefined where it did not answer). */
  async roles(): Promise<Array<{ m: HaMonitor; h: Healthz | undefined }>> {
    const live = this.monitors.filter((m) => m.alive && !m.paused);
    return Promise.all(live.map(async (m) => ({ m, h: await m.health() })));
  }

  /**
   * Waits until exactly one running monitor says `active` and every other running one says
   * `standby`, all naming the same leader (bounded); returns the active one.
   */
  async active(what = 'exactly one active monitor', timeoutMs = 30_000): Promise<HaMonitor> {
    let last = '';
    try {
      return await waitFor(
        async () => {
          const rs = await this.roles();
          last = rs
            .map(
              ({ m, h }) =>
                `${m.id}=${h === undefined ? 'no answer' : (h.role ?? 'no role')}/${h?.epoch ?? '-'}`,
            )
            .join(' ');
          if (rs.some(({ h }) => h === undefined)) return undefined;
          const act = rs.filter(({ h }) => h?.role === 'active');
          const stand = rs.filter(({ h }) => h?.role === 'standby');
          if (act.length !== 1 || act.length + stand.length !== rs.length) return undefined;
          const a = act[0] as { m: HaMonitor; h: Healthz };
          if (rs.some(({ h }) => h?.leader !== a.m.id)) return undefined;
          return a.m;
        },
        what,
        timeoutMs,
        100,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message} (last seen: ${last})`);
    }
  }

  /** `/healthz` of one monitor, which must answer. */
  async healthOf(m: HaMonitor): Promise<Healthz> {
    const h = await m.health(3000);
    if (h === undefined) throw new Error(`monitor ${m.id} did not answer /healthz\n${m.output()}`);
    return h;
  }

  /** A real `thump agent` sending to the monitors `to` (indices) every `interval`. */
  startAgent(id: string, to: readonly number[], interval = '500ms'): Proc {
    const args = [
      'agent',
      '--id',
      id,
      '--interval',
      interval,
      '--secret-file',
      this.secretPath,
      '--log-format',
      'json',
    ];
    for (const i of to) args.push('--to', `127.0.0.1:${this.monitors[i]?.udpPort}`);
    const p = spawnThump(args, { THUMP_CONFIG: '' });
    this.agents.push(p);
    return p;
  }

  /** Stops PostgreSQL (fast shutdown; the data stays): a store outage. */
  stopStore(): Promise<void> {
    return this.pg.stopServer();
  }

  startStore(): Promise<void> {
    return this.pg.startServer();
  }

  /** Every event in the store, oldest first (a fresh connection each time: the store may restart). */
  async events(): Promise<HostEvent[]> {
    const store = await openStore(this.url);
    try {
      return (await store.events.list({ limit: 10_000 })).reverse();
    } finally {
      await store.close();
    }
  }

  /** Rows of one SQL query on the world's database (a fresh connection each time). */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  /** Outbox rows not yet delivered, failed or suppressed (0: every notification went out). */
  async outboxDepth(): Promise<number> {
    const store = await openStore(this.url);
    try {
      return await store.outbox.depth();
    } finally {
      await store.close();
    }
  }

  /** Hosts a monitor lists as suspects in the store right now. */
  async suspectsOf(monitorId: string): Promise<string[]> {
    const rows = await this.query<{ host_id: string }>(
      'SELECT host_id FROM ha_suspects WHERE monitor_id = $1',
      [monitorId],
    );
    return rows.map((r) => r.host_id).sort();
  }

  /** Waits until the events of `hostIds` of `type` were all delivered (bounded). */
  async delivered(type: string, hostIds: readonly string[], timeoutMs = 45_000): Promise<void> {
    const missing = () => {
      const got = new Set(
        this.deliveries().flatMap((d) => d.events.filter((e) => e.type === type).map((e) => e.hostId)),
      );
      return hostIds.filter((h) => !got.has(h));
    };
    try {
      await waitFor(
        () => missing().length === 0,
        `${type} deliveries for ${hostIds.length} hosts`,
        timeoutMs,
        100,
      );
    } catch (err) {
      const out = this.monitors.map((m) => m.output()).join('\n');
      throw new Error(`${(err as Error).message}; missing: ${missing().join(', ')}\n${out}`);
    }
  }

  /** Every webhook request received so far, parsed. */
  deliveries(): Delivery[] {
    return this.hook.requests.map((r) => {
      const body = JSON.parse(r.body) as { id: string; title: string; events: Delivery['events'] };
      const key = r.headers['idempotency-key'];
      return {
        from: r.url.replace(/^\/hook\//, ''),
        at: this.arrivals.get(r) ?? 0,
        batchId: body.id,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        title: body.title,
        events: body.events.map((e) => ({ id: e.id, type: e.type, hostId: e.hostId })),
      };
    });
  }

  /** Stops everything the world started (bounded; best effort on each part). */
  async close(): Promise<void> {
    this.fleet.close();
    for (const m of this.monitors) {
      if (m.paused && m.alive) this.resume(m);
      await m.proc?.stop('SIGKILL');
    }
    for (const a of this.agents) await a.stop('SIGKILL');
    await this.hook.close();
    if (this.ownPg) await this.pg.stop();
    this.dir.cleanup();
  }
}

/** Starts a {@link HaWorld}. */
export function startHaWorld(opts: HaWorldOptions): Promise<HaWorld> {
  return HaWorld.start(opts);
}
