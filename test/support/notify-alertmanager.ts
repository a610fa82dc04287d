import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeTcpPort, type Proc, spawnProc, tempDir, waitFor } from './proc.js';

/** Debian's Alertmanager (package prometheus-alertmanager). */
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** A real Alertmanager on 127.0.0.1 with its own config and storage folder. */
export interface AlertmanagerProc {
  url: string;
  proc: Proc;
  /** GET /api/v2/alerts (active, silenced and inhibited alerts; resolved ones are not listed). */
  alerts(): Promise<
    {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      endsAt: string;
      status: { state: string };
    }[]
  >;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager on a free port with clustering off (no gossip port) and a config
 * whose only receiver is a no-op. Throws with the reason (and its log) if it cannot start.
 */
export async function startAlertmanager(): Promise<AlertmanagerProc> {
  if (!existsSync(ALERTMANAGER_BIN)) {
    throw new Error(`${ALERTMANAGER_BIN} not found: apt-get install prometheus-alertmanager`);
  }
  const dir = tempDir('thump-am-');
  const config = join(dir.path, 'alertmanager.yml');
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnProc(ALERTMANAGER_BIN, [
    `--config.file=${config}`,
    `--storage.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  const stop = async () => {
    await proc.stop('SIGTERM', 5000);
    dir.cleanup();
  };
  try {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null)
          throw new Error(`exited with ${proc.child.exitCode}: ${proc.stderr()}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.ok;
      },
      'alertmanager to become ready',
      30_000,
      100,
    );
  } catch (err) {
    await stop();
    throw new Error(`cannot start alertmanager: ${(err as Error).message}\n${proc.stderr()}`);
  }
  return {
    url,
    proc,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}`);
      return (await res.json()) as Awaited<ReturnType<AlertmanagerProc['alerts']>>;
    },
    stop,
  };
}
