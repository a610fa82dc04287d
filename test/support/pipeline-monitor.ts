import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureServer, startCaptureServer } from './notify-http.js';
import { BeatFleet, writeSecret } from './pipeline-fleet.js';
import { freeTcpPort, freeUdpPort, type Proc, spawnThump, tempDir, waitFor } from './proc.js';

/** A real `thump monitor` process with a loopback webhook, simulated agents and a temp dir. */
export interface MonitorRig {
  dir: string;
  api: string;
  hook: CaptureServer;
  fleet: BeatFleet;
  proc: Proc;
  configPath: string;
  /** Starts the monitor again on the same db and config (after a stop or SIGKILL). */
  restart(): Promise<void>;
  /** JSON from the monitor's HTTP API. */
  get<T>(path: string): Promise<T>;
  /** Outbox depth and notifier status from `GET /api/notifiers`. */
  outboxDepth(): Promise<number>;
  close(): Promise<void>;
}

/** Webhook requests as parsed payloads. */
export function hookPayloads(hook: CaptureServer): Array<{
  id: string;
  kind: string;
  title: string;
  events: Array<{ type: string; hostId: string; details: Record<string, unknown> }>;
}> {
  return hook.requests.map((r) => JSON.parse(r.body));
}

/**
 * Starts the monitor on free loopback ports with `notify` merged into its thump.yaml
 * (a `webhook` notifier named `ops` pointing at the capture server unless overridden).
 */
export async function startMonitorRig(
  notify: Record<string, unknown> = {},
  intervalMs = 500,
  opts: { dbPath?: string } = {},
): Promise<MonitorRig> {
  const tmp = tempDir('thump-pipeline-e2e-');
  const hook = await startCaptureServer();
  const udp = await freeUdpPort();
  const http = await freeTcpPort();
  const secret = writeSecret(tmp.path);
  const configPath = join(tmp.path, 'thump.yaml');
  const cfg = {
    monitor: { udp: [`127.0.0.1:${udp}`], db_path: opts.dbPath ?? './thump.db', secret_file: './secret' },
    http: { listen: `127.0.0.1:${http}` },
    notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}/hook` }],
    grouping: { group_wait: '1s' },
    delivery: { retry_initial: '200ms', retry_max: '500ms' },
    ...notify,
  };
  writeFileSync(configPath, JSON.stringify(cfg, null, 2));
  void secret;
  const api = `http://127.0.0.1:${http}`;
  const fleet = new BeatFleet(udp, secret.key, intervalMs);
  const launch = async () => {
    const p = spawnThump(['monitor', '--config', configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
    try {
      await waitFor(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`monitor exited ${p.child.exitCode}: ${p.stderr()}`);
          return (await fetch(`${api}/healthz`)).ok;
        },
        'the monitor to answer /healthz',
        45_000, // a busy 2-core CI box can take many seconds to load Node modules
        100,
      );
    } catch (err) {
      await p.stop('SIGKILL');
      throw new Error(
        `${(err as Error).message}\nstdout: ${p.stdout().slice(-2000)}\nstderr: ${p.stderr().slice(-2000)}`,
      );
    }
    return p;
  };
  const rig: MonitorRig = {
    dir: tmp.path,
    api,
    hook,
    fleet,
    configPath,
    proc: await launch(),
    async restart() {
      await rig.proc.stop('SIGKILL');
      rig.proc = await launch();
    },
    async get<T>(path: string) {
      const res = await fetch(`${api}${path}`);
      if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      return (await res.json()) as T;
    },
    async outboxDepth() {
      return (await rig.get<{ outboxDepth: number }>('/api/notifiers')).outboxDepth;
    },
    async close() {
      fleet.close();
      await rig.proc.stop('SIGTERM', 5000);
      await hook.close();
      tmp.cleanup();
    },
  };
  return rig;
}

/** Host ids in a given state according to the monitor's API. */
export async function hostsIn(rig: MonitorRig, state: string): Promise<string[]> {
  const hosts = await rig.get<Array<{ id: string; state: string }>>('/api/hosts');
  return hosts.filter((h) => h.state === state).map((h) => h.id);
}
