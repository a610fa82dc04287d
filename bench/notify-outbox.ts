/**
 * Notifications per second through the durable outbox to a local webhook (issue 3 figures).
 * Run: node --import tsx bench/notify-outbox.ts [events]
 *
 * Three measurements in one run, same machine, same loopback webhook listener:
 * 1. baseline: one bare `postJson` per event, sequentially (what a notifier without an
 *    outbox could do at best, with no durability);
 * 2. pipeline, ungrouped (`group_wait: 0`): events recorded one per transaction through the
 *    monitor's event log, each becoming an outbox row in that transaction, dispatched,
 *    POSTed, marked sent in SQLite: the cost of durability per notification;
 * 3. pipeline, grouped (`group_wait: 10ms`): the same stream in bursts, as an outage
 *    produces it: many events per message.
 * Also the outbox's cost on the event-recording path: store.events.record with and without the
 * pipeline's in-transaction hook.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NewEvent } from '../src/monitor/types.js';
import { postJson } from '../src/notify/http-client.js';
import { startNotifyPipeline } from '../src/notify/index.js';
import { openStore } from '../src/store/index.js';
import { config, FakeMonitor } from '../test/support/pipeline-world.js';
import { tempDir, waitFor } from '../test/support/proc.js';

const N = Number(process.argv[2] ?? 3000);

let received = 0;
let receivedEvents = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received++;
    try {
      receivedEvents +=
        (JSON.parse(Buffer.concat(chunks).toString()) as { events?: unknown[] }).events?.length ?? 1;
    } catch {
      receivedEvents++;
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret`;

const event = (i: number): NewEvent => ({ type: 'new', hostId: `host-${i}`, at: Date.now(), details: {} });

// 1. Baseline: bare POSTs.
async function baseline(): Promise<number> {
  received = 0;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    await postJson(url, { events: [{ ...event(i), id: i }] }, { timeoutMs: 5000 });
  }
  const s = (performance.now() - t) / 1000;
  console.log(
    `baseline  bare POST per event:           ${(N / s).toFixed(0)} notifications/s (${N} in ${s.toFixed(2)} s)`,
  );
  return N / s;
}
const baselineRate = await baseline();

async function pipelineRun(groupWait: string, burst: number) {
  const dir = tempDir('thump-bench-');
  const store = await openStore(join(dir.path, 'thump.db'));
  const cfg = config({
    notifiers: [{ name: 'ops', type: 'webhook', url }],
    grouping: { group_wait: groupWait, max_listed: 3 },
  });
  const monitor = new FakeMonitor();
  const pipeline = await startNotifyPipeline({ store, monitor, config: cfg });
  received = 0;
  receivedEvents = 0;
  const t = performance.now();
  for (let i = 0; i < N; i += burst) {
    const n = Math.min(burst, N - i);
    // As the monitor does: record, then publish once committed (which wakes the dispatcher).
    monitor.publish(await store.events.record(Array.from({ length: n }, (_, k) => event(i + k))));
    // Let the dispatcher run between bursts, as the monitor's event loop would.
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => receivedEvents >= N && pipeline.outboxDepth() === 0, 'all delivered', 600_000, 5);
  const s = (performance.now() - t) / 1000;
  const messages = received;
  await pipeline.stop();
  await store.close();
  dir.cleanup();
  return { s, messages };
}

// 2. Ungrouped.
const ungrouped = await pipelineRun('0s', 1);
const ungroupedRate = N / ungrouped.s;
console.log(
  `pipeline  group_wait 0, 1 event/tx:       ${ungroupedRate.toFixed(0)} notifications/s, ${ungrouped.messages} POSTs (${(ungrouped.messages / ungrouped.s).toFixed(0)} messages/s) -> ${(ungroupedRate / baselineRate).toFixed(2)}x baseline`,
);

// 3. Grouped bursts of 50.
const grouped = await pipelineRun('10ms', 50);
const groupedRate = N / grouped.s;
console.log(
  `pipeline  group_wait 10ms, bursts of 50:  ${groupedRate.toFixed(0)} events/s in ${grouped.messages} messages -> ${(groupedRate / baselineRate).toFixed(2)}x baseline`,
);

// 4. Cost of the outbox hook on the event path.
async function recordCost(withPipeline: boolean): Promise<number> {
  const dir = tempDir('thump-bench-');
  const store = await openStore(join(dir.path, 'thump.db'));
  const cfg = config({ notifiers: [{ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/never' }] });
  const pipeline = withPipeline
    ? await startNotifyPipeline({ store, monitor: new FakeMonitor(), config: cfg })
    : undefined;
  const M = N * 2;
  const t = performance.now();
  for (let i = 0; i < M; i++) await store.events.record([event(i)]);
  const us = ((performance.now() - t) * 1000) / M;
  await pipeline?.stop();
  await store.close();
  dir.cleanup();
  return us;
}
const bare = await recordCost(false);
const hooked = await recordCost(true);
console.log(
  `events.record 1 event/tx: ${bare.toFixed(1)} us without the pipeline, ${hooked.toFixed(1)} us with its outbox row in the same tx -> ${(hooked / bare).toFixed(2)}x`,
);

server.close();
