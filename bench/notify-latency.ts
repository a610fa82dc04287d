/**
 * End-to-end time from a host's deadline to the webhook receiving the message (issue 3;
 * target: p99 under group_wait + 1 s). Run after a build:
 *   npx tsc -p tsconfig.build.json && node --import tsx bench/notify-latency.ts [rounds] [waits-ms]
 *
 * A real `thump monitor` (built CLI) with 100 simulated agents beating every 500 ms over
 * loopback UDP (timeout 1.5 s). Each round silences 10 random hosts at random moments
 * within 1.5 s; each page's latency = the webhook's receive time minus the event's `at`
 * (the deadline that passed, as the monitor records it). Run twice in the same process:
 * `group_wait: 0` (the floor: detection + outbox + HTTP) and `group_wait: 2s`.
 */
import { hookPayloads, hostsIn, startMonitorRig } from '../test/support/pipeline-monitor.js';
import { waitFor } from '../test/support/proc.js';

const ROUNDS = Number(process.argv[2] ?? 8);
/** Comma-separated group_wait values in ms; the first is the baseline (default 0,2000). */
const WAITS = (process.argv[3] ?? '0,2000').split(',').map(Number);
const HOSTS = 100;
const PER_ROUND = 10;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function run(groupWaitMs: number): Promise<number[]> {
  const rig = await startMonitorRig(
    {
      routes: [{ notifiers: ['ops'], events: ['down'] }],
      grouping: { group_wait: `${groupWaitMs}ms` },
    },
    500,
  );
  const latencies: number[] = [];
  const receivedAt = new Map<number, number>(); // request index -> ms
  rig.hook.respond(() => {
    receivedAt.set(rig.hook.requests.length - 1, Date.now());
    return { status: 200 };
  });
  try {
    const ids = Array.from({ length: HOSTS }, (_, i) => `sim-${i}`);
    rig.fleet.add(ids);
    rig.fleet.start();
    await waitFor(async () => (await hostsIn(rig, 'up')).length === HOSTS, 'all hosts up', 60_000);
    for (let r = 0; r < ROUNDS; r++) {
      const victims = [...ids].sort(() => Math.random() - 0.5).slice(0, PER_ROUND);
      const before = rig.hook.requests.length;
      await Promise.all(
        victims.map(
          (v) =>
            new Promise<void>((res) =>
              setTimeout(() => {
                rig.fleet.silence([v]);
                res();
              }, Math.random() * 1500),
            ),
        ),
      );
      await waitFor(
        () =>
          hookPayloads(rig.hook)
            .slice(before)
            .flatMap((p) => p.events).length >= PER_ROUND,
        'all pages of the round',
        60_000,
      );
      hookPayloads(rig.hook)
        .slice(before)
        .forEach((p, k) => {
          const got = receivedAt.get(before + k) as number;
          for (const e of p.events) latencies.push(got - Date.parse((e as unknown as { at: string }).at));
        });
      rig.fleet.resume(victims);
      await waitFor(async () => (await hostsIn(rig, 'up')).length === HOSTS, 'hosts back up', 60_000);
    }
  } finally {
    await rig.close();
  }
  return latencies.sort((a, b) => a - b);
}

const results: Array<[number, number[]]> = [];
for (const gw of WAITS) results.push([gw, await run(gw)]);
const floorP99 = pct(results[0]?.[1] ?? [], 99);
for (const [gw, l] of results) {
  const p50 = pct(l, 50);
  const p99 = pct(l, 99);
  const target = gw + 1000;
  console.log(
    `group_wait ${String(gw).padStart(5)} ms: n=${l.length} p50 ${p50} ms, p99 ${p99} ms, max ${l.at(-1)} ms; ` +
      `target p99 < ${target} ms: ${p99 < target ? 'met' : 'MISSED'}; p99 / first-run p99 = ${(p99 / floorP99).toFixed(1)}x`,
  );
}
