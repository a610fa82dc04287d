/**
 * Memory per tracked host (issue 2 part 7; target <= 400 bytes).
 * Run: node --import tsx bench/monitor-memory.ts
 * Each fleet size runs in a fresh child process with --expose-gc: heap + ArrayBuffers are
 * measured after a full GC, before and after N hosts each sent one beat. Baseline in the
 * same run: a plain `Map<string, {…}>` of per-host objects (the naive design: a dict of
 * per-host records with the same fields), so the ratio shows what the struct-of-arrays layout buys.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MonitorCore } from '../src/monitor/core.js';
import type { Beat } from '../src/protocol/types.js';

type Mode = 'thump' | 'thump-presized' | 'baseline';

function measure(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function child(mode: Mode, n: number): void {
  // Ids are built inside the measured section, so their strings count (the target includes the id).
  const id = (i: number) => `host-${String(i).padStart(7, '0')}.example.net`;
  const boot = (i: number) => (i * 2654435761).toString(16).padStart(16, '0').slice(-16);
  const before = measure();
  let keep: unknown;
  if (mode === 'baseline') {
    const m = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < n; i++) {
      m.set(id(i), {
        state: 'up',
        address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        port: 40000,
        lastBeatAt: Date.now(),
        bootId: boot(i),
        seq: 1,
        intervalMs: 5000,
        timeoutMs: 15000,
        uptime: 1,
        load: [0, 0, 0],
        mem: [1, 1],
        disk: [1, 1],
      });
    }
    keep = m;
  } else {
    const core = new MonitorCore({ initialCapacity: mode === 'thump-presized' ? n : 1024 });
    const b: Beat = {
      hostId: '',
      bootId: '',
      seq: 1,
      sentAt: Date.now(),
      intervalMs: 5000,
      goodbye: false,
      uptimeSeconds: 1000,
      load: [0.1, 0.2, 0.3],
      memTotalBytes: 8e9,
      memAvailableBytes: 4e9,
      diskTotalBytes: 1e11,
      diskUsedBytes: 5e10,
      checks: [],
      labels: {},
    };
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      b.hostId = id(i);
      b.bootId = boot(i);
      core.beat(b, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 40000, now);
      if ((i & 4095) === 0) core.takeEvents();
    }
    core.takeEvents();
    core.takeDirty();
    keep = core;
  }
  const after = measure();
  process.stdout.write(JSON.stringify({ mode, n, bytes: after - before, keep: keep !== undefined }));
}

if (process.argv[2] === 'child') {
  child(process.argv[3] as Mode, Number(process.argv[4]));
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (mode: Mode, n: number) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', self, 'child', mode, String(n)],
        {
          encoding: 'utf8',
        },
      ),
    ) as { bytes: number };
  console.log(
    'memory per tracked host (heap + ArrayBuffers after GC; ids are 27-char names, each host has its own IP)',
  );
  console.log('hosts      thump(grown)  thump(presized)  baseline(Map of objects)  ratio thump/baseline');
  for (const n of [100_000, 1_000_000]) {
    const t = run('thump', n).bytes / n;
    const p = run('thump-presized', n).bytes / n;
    const b = run('baseline', n).bytes / n;
    console.log(
      `${String(n).padEnd(10)} ${t.toFixed(0).padStart(8)} B    ${p.toFixed(0).padStart(8)} B       ${b.toFixed(0).padStart(8)} B                ${(t / b).toFixed(2)}x   target <= 400 B: ${t <= 400 ? 'met' : 'MISSED'}`,
    );
  }
}
