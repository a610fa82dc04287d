import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MonitorProc,
  metricValue,
  startAgent,
  startMonitor,
  writeSecret,
} from './support/monitor-harness.js';
import { type Proc, tempDir, waitFor } from './support/proc.js';

// /metrics of a real monitor with a beating agent, checked by Prometheus' own linter.
let dir: ReturnType<typeof tempDir>;
let monitor: MonitorProc;
let agent: Proc;

beforeAll(async () => {
  dir = tempDir('thump-metrics-');
  const secret = writeSecret(dir.path);
  monitor = await startMonitor({ dir: dir.path, secretFile: secret });
  agent = startAgent(monitor.udpPort, 'metrics-host', secret, '500ms');
  await waitFor(
    async () => {
      const text = await monitor.metrics();
      return metricValue(text, 'thump_beats_total') >= 2 && metricValue(text, 'thump_hosts{state="up"}') === 1;
    },
    'two beats counted and the host up in /metrics',
    20_000,
  );
});

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await monitor?.proc.stop('SIGTERM');
  dir?.cleanup();
});

describe('GET /metrics on a real monitor', () => {
  it('passes promtool check metrics', async () => {
    const text = await monitor.metrics();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw new Error(`cannot run promtool (Debian package "prometheus"): ${r.error.message}`);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('exports hosts by state, beats, rejections, events, lateness and process metrics', async () => {
    const text = await monitor.metrics();
    expect(metricValue(text, 'thump_hosts{state="up"}')).toBe(1);
    expect(metricValue(text, 'thump_events_total{type="new"}')).toBe(1);
    expect(text).toContain('thump_packets_rejected_total{reason="bad-mac"} ');
    expect(metricValue(text, 'thump_udp_kernel_drops_total')).toBe(0); // native receiver (the default)
    expect(text).toContain('# TYPE thump_detection_lateness_seconds histogram');
    // Health as numbers (issue 17): no failed writes, nothing pending, a measured event loop.
    // (metricValue reads a missing series as 0: match the lines themselves.)
    expect(text).toMatch(/^thump_store_write_errors_total\{kind="events"\} 0$/m);
    expect(text).toMatch(/^thump_store_write_errors_total\{kind="hosts"\} 0$/m);
    expect(text).toMatch(/^thump_events_pending 0$/m);
    expect(text).toMatch(/^thump_notify_dispatch_errors_total 0$/m);
    expect(text).toMatch(/^# TYPE thump_event_loop_lag_seconds gauge$/m);
    expect(text).toMatch(/^thump_event_loop_lag_seconds\{stat="p99"\} \d/m);
    expect(metricValue(text, 'thump_event_loop_lag_seconds{stat="max"}')).toBeLessThan(5);
    expect(text).toContain('thump_detection_lateness_seconds_bucket{le="+Inf"} ');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
