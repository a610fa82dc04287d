import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort, type Proc, spawnThump, waitFor } from './proc.js';

/** A JSON log line of the monitor (pino, one object per line). */
export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  host?: string;
  [k: string]: unknown;
}

/** Parses every complete JSON line of a process's stdout. */
export function logLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}

/** Writes a 0600 secret file and returns its path. */
export function writeSecret(
  dir: string,
  name = 'secret',
  secret = 'monitor-e2e-secret-0123456789abcdef',
): string {
  const p = join(dir, name);
  writeFileSync(p, `${secret}\n`, { mode: 0o600 });
  return p;
}

/** A running `thump monitor` on loopback with free ports. */
export interface MonitorProc {
  proc: Proc;
  udpPort: number;
  httpUrl: string;
  /** Event log lines so far. */
  events(): LogLine[];
  /** `GET /api/hosts` as JSON. */
  hosts(): Promise<Array<{ id: string; state: string; [k: string]: unknown }>>;
  /** `GET /metrics` text. */
  metrics(): Promise<string>;
}

/**
 * Starts the built monitor with `--log-format json` on free loopback ports and waits until
 * its HTTP API answers. Fails with the monitor's stderr when it cannot start.
 */
export async function startMonitor(opts: {
  dir: string;
  secretFile: string;
  db?: string;
  udpPort?: number;
  extra?: string[];
}): Promise<MonitorProc> {
  const udpPort = opts.udpPort ?? (await freeUdpPort());
  const httpPort = await freeTcpPort();
  const proc = spawnThump(
    [
      'monitor',
      '--udp',
      `127.0.0.1:${udpPort}`,
      '--http',
      `127.0.0.1:${httpPort}`,
      '--db',
      opts.db ?? join(opts.dir, 'thump.db'),
      '--secret-file',
      opts.secretFile,
      '--log-format',
      'json',
      ...(opts.extra ?? []),
    ],
    { THUMP_CONFIG: '', NODE_ENV: 'test' },
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`monitor exited: ${proc.stderr()}`);
        const r = await fetch(`${httpUrl}/healthz`);
        return r.ok;
      },
      'the monitor to answer /healthz',
      30_000,
      100,
    );
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(
      `monitor did not start: ${(err as Error).message}\nstderr: ${proc.stderr()}\nstdout: ${proc.stdout()}`,
    );
  }
  return {
    proc,
    udpPort,
    httpUrl,
    events: () => logLines(proc.stdout()).filter((l) => l.event !== undefined),
    hosts: async () =>
      (await (await fetch(`${httpUrl}/api/hosts`)).json()) as Array<{ id: string; state: string }>,
    metrics: async () => (await fetch(`${httpUrl}/metrics`)).text(),
  };
}

/** Starts a real `thump agent` beating to the monitor on loopback every `interval`. */
export function startAgent(udpPort: number, id: string, secretFile: string, interval = '1s'): Proc {
  return spawnThump(
    [
      'agent',
      '--to',
      `127.0.0.1:${udpPort}`,
      '--id',
      id,
      '--interval',
      interval,
      '--secret-file',
      secretFile,
      '--log-format',
      'json',
    ],
    { THUMP_CONFIG: '', THUMP_SECRET: '' },
  );
}

/** Reads one sample value from Prometheus text (`name{labels} value`), 0 when absent. */
export function metricValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
