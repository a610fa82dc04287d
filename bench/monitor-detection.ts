/**
 * Detection lateness at 100,000 hosts (issue 2 part 7; target p99 <= 250 ms).
 * Run: node --import tsx bench/monitor-detection.ts [hosts=100000] [seconds=12]
 *
 * One process, real timers, the monitor's own core (registry + timer wheel + state machine)
 * driven exactly as src/monitor/monitor.ts drives it: a setTimeout to the next wheel tick.
 * Every host beats each second (interval 1 s, timeout 3 s) in 10 ms batches: 100k beats/s
 * of load. From t = 2 s on, 10 % of the hosts stop one by one at random moments. Lateness
 * = when the `down` event was produced minus the host's deadline (last beat + 3 s).
 *
 * Baseline in the same run: the classic design (a full scan of every host's last-seen
 * time every 1 s, PyHeartBeat scans every 30 s) over the same beats, so the ratio shows
 * what the wheel buys.
 */
import { loadavg } from 'node:os';
import { MonitorCore } from '../src/monitor/core.js';
import type { Beat } from '../src/protocol/types.js';

const N = Number(process.argv[2] ?? 100_000);
const SECONDS = Number(process.argv[3] ?? 12);
const INTERVAL = 1000;
const BATCH_MS = 10;
const KILL_FRACTION = 0.1;

const core = new MonitorCore({
  initialCapacity: N,
  partition: { enabled: false, minHosts: 4, silenceIntervals: 2 },
});
const ids = Array.from({ length: N }, (_, i) => `h${i}`);
const seq = new Uint32Array(N);
const dead = new Uint8Array(N);
const deathAt = new Float64Array(N);
const b: Beat = {
  hostId: '',
  bootId: '0123456789abcdef',
  seq: 0,
  sentAt: 0,
  intervalMs: INTERVAL,
  goodbye: false,
  uptimeSeconds: 1,
  load: [0, 0, 0],
  memTotalBytes: 0,
  memAvailableBytes: 0,
  diskTotalBytes: 0,
  diskUsedBytes: 0,
  checks: [],
  labels: {},
};

// Baseline: last-seen times scanned by a periodic full scan (classic design, 1 s period).
const lastSeen = new Float64Array(N);
const baselineDown = new Uint8Array(N);
const baselineLate: number[] = [];
const SCAN_MS = 1000;

const late: number[] = [];
/** Downs of hosts that never stopped: the beat generator itself was starved of CPU. */
let falseDowns = 0;
let tickCpuMs = 0;
let scanCpuMs = 0;
const start = performance.now();
const now = () => performance.timeOrigin + performance.now();

let cursor = 0;
const perBatch = Math.ceil((N * BATCH_MS) / INTERVAL);
let beatTimer: NodeJS.Timeout | undefined;
function beatBatch(): void {
  const t = now();
  for (let k = 0; k < perBatch; k++) {
    const i = cursor;
    cursor = (cursor + 1) % N;
    if (dead[i]) continue;
    const dies = deathAt[i] as number;
    if (t - start - performance.timeOrigin > 2000 && dies > 0 && t >= dies) {
      dead[i] = 1;
      continue;
    }
    b.hostId = ids[i] as string;
    seq[i] = (seq[i] as number) + 1;
    b.seq = seq[i] as number;
    b.sentAt = t;
    core.beat(b, '10.0.0.1', 1, t);
    lastSeen[i] = t;
  }
  core.takeEvents();
}

let tickTimer: NodeJS.Timeout | undefined;
function scheduleTick(): void {
  const delay = Math.max(1, core.nextTickAt() - now());
  tickTimer = setTimeout(
    () => {
      const t0 = performance.now();
      core.tick(now());
      for (const e of core.takeEvents()) {
        if (e.type !== 'down') continue;
        if ((deathAt[Number(e.hostId.slice(1))] as number) > 0)
          late.push((e.details.noticedAt as number) - e.at);
        else falseDowns++;
      }
      tickCpuMs += performance.now() - t0;
      scheduleTick();
    },
    Math.min(delay, 1000),
  );
}

const scanTimer = setInterval(() => {
  const t0 = performance.now();
  const t = now();
  for (let i = 0; i < N; i++) {
    const seen = lastSeen[i] as number;
    if (!baselineDown[i] && seen > 0 && t - seen > 3 * INTERVAL) {
      baselineDown[i] = 1;
      baselineLate.push(t - (seen + 3 * INTERVAL));
    }
  }
  scanCpuMs += performance.now() - t0;
}, SCAN_MS);

// Pick the hosts that will die and when (uniformly over [2 s, SECONDS - 5 s]).
const t0wall = now();
for (let i = 0; i < N; i++) {
  if (Math.random() < KILL_FRACTION)
    deathAt[i] = t0wall + 2000 + Math.random() * Math.max(1000, (SECONDS - 7) * 1000);
}
const beatsTimer = setInterval(beatBatch, BATCH_MS);
beatTimer = beatsTimer;
scheduleTick();

setTimeout(() => {
  clearInterval(beatTimer);
  clearTimeout(tickTimer);
  clearInterval(scanTimer);
  const q = (a: number[], p: number) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
  };
  const fmt = (v: number) => `${v.toFixed(1)} ms`;
  const dying = deathAt.reduce((n, d) => n + (d > 0 ? 1 : 0), 0);
  console.log(
    `detection lateness, ${N} hosts at 1 s interval (timeout 3 s), ${dying} die during ${SECONDS} s; Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `thump wheel (50 ms slots): down events ${late.length}  p50 ${fmt(q(late, 0.5))}  p99 ${fmt(q(late, 0.99))}  max ${fmt(q(late, 1))}  detector CPU ${tickCpuMs.toFixed(0)} ms`,
  );
  console.log(
    `baseline full scan every ${SCAN_MS} ms: downs ${baselineLate.length}  p50 ${fmt(q(baselineLate, 0.5))}  p99 ${fmt(q(baselineLate, 0.99))}  max ${fmt(q(baselineLate, 1))}  scan CPU ${scanCpuMs.toFixed(0)} ms`,
  );
  if (falseDowns > 0) {
    console.log(
      `INVALID RUN: ${falseDowns} hosts that kept beating were called down: this process did not get the CPU to send 100k beats/s (machine overloaded?)`,
    );
  }
  console.log(
    `ratio p99 thump/baseline: ${(q(late, 0.99) / q(baselineLate, 0.99)).toFixed(3)}   target p99 <= 250 ms: ${q(late, 0.99) <= 250 ? 'met' : 'MISSED'}`,
  );
  process.exit(0);
}, SECONDS * 1000);
