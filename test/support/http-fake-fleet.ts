import { startHttpServer } from '../../src/http/index.js';
import type { HttpServer } from '../../src/http/types.js';
import { openStore } from '../../src/store/index.js';
import type { SweepResult } from '../../src/sweep/types.js';
import { FakeMonitor } from './fake-monitor.js';

/**
 * An in-process HTTP server over a simulated fleet (FakeMonitor): for the dashboard load
 * test and screenshots without thousands of real agents. Beats are simulated by moving
 * `lastBeatAt` forward; `beat()` is called by the caller's own loop, no timers here.
 */
export interface FakeFleet {
  monitor: FakeMonitor;
  server: HttpServer;
  /** Marks every up host as having just beaten (with a little jitter), as real agents would. */
  beat(now?: number): void;
  close(): Promise<void>;
}

const ROLES = ['web', 'db', 'cache', 'queue', 'batch'];
const DCS = ['fra1', 'ams2', 'lon1'];

export async function startFakeFleet(
  n: number,
  /** `sweep: false` leaves out the small agentless sweep run (exact host counts at scale). */
  /** `port`: listen there (a test that restarts the server keeps the page's address). */
  opts: { token?: string; sweep?: boolean; port?: number } = {},
): Promise<FakeFleet> {
  // Silences and sweeps (with one small sweep run) so every page has something to show.
  const store = await openStore(':memory:');
  const monitor = new FakeMonitor(store);
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const role = ROLES[i % ROLES.length] as string;
    const id = `${role}-${String(i).padStart(5, '0')}`;
    const down = i % 97 === 13;
    const left = i % 211 === 7;
    const warn = i % 53 === 5;
    monitor.setHost(
      {
        id,
        state: down ? 'down' : left ? 'left' : 'up',
        address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:43278`,
        lastBeatAt: down ? now - 60_000 - (i % 600) * 1000 : now - (i % 5000),
        uptimeSeconds: 3600 + ((i * 7919) % 5_000_000),
        load: [((i * 13) % 400) / 100, ((i * 11) % 300) / 100, ((i * 7) % 200) / 100],
        labels: { role, dc: DCS[i % DCS.length] as string },
        checks: warn
          ? [
              { id: 'disk:/', severity: 1, text: '91% used' },
              { id: 'temp:cpu', severity: 0, text: '61 C' },
            ]
          : [{ id: 'temp:cpu', severity: 0, text: '48 C' }],
        flapping: i % 499 === 3,
      },
      now,
    );
    monitor.history.set(
      id,
      Array.from({ length: 40 }, (_, k) => now - (40 - k) * 5000 + ((k * 37 + i) % 400) - 200),
    );
  }
  const types = ['new', 'down', 'up', 'check', 'restarted', 'left'] as const;
  const all = monitor.hosts();
  for (const [k, type] of types.entries()) {
    const h = all[(k * 31 + 13) % Math.max(1, all.length)];
    if (!h) break;
    await monitor.emit({
      type,
      hostId: h.id,
      at: now - (types.length - k) * 1000,
      details:
        type === 'check' ? { checkId: 'disk:/', severity: 'warning', previous: 'ok', text: '91% used' } : {},
    });
  }
  if (opts.sweep ?? true) {
    await store.sweeps.begin({ id: 'sweep-demo', startedAt: now - 60_000, total: 3, mode: 'local' });
    const rec = { write: (r: SweepResult) => store.sweeps.write('sweep-demo', r) };
    await rec.write({
      status: 'ok',
      target: 'legacy-1',
      host: 'legacy-1',
      at: now - 59_000,
      durationMs: 180,
      uptimeSeconds: 864_000,
      bootedAt: new Date(now - 864_000_000).toISOString(),
      load1: 0.3,
      load5: 0.2,
      load15: 0.1,
    });
    await rec.write({
      status: 'error',
      target: 'admin@legacy-2:2222',
      host: 'legacy-2',
      at: now - 55_000,
      durationMs: 5000,
      errorClass: 'timeout',
      message: 'no answer within 5s',
    });
    await rec.write({
      status: 'error',
      target: 'legacy-3',
      host: 'legacy-3',
      at: now - 58_000,
      durationMs: 12,
      errorClass: 'auth',
      message: 'all configured authentication methods failed',
    });
    await store.sweeps.finish('sweep-demo', now - 55_000);
  }
  const server = await startHttpServer({
    monitor,
    store,
    listen: { host: '127.0.0.1', port: opts.port ?? 0 },
    ...(opts.token ? { token: opts.token } : {}),
  });
  return {
    monitor,
    server,
    beat(at = Date.now()) {
      for (const h of monitor.byId.values()) if (h.state === 'up') h.lastBeatAt = at - (h.seq++ % 300);
    },
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
