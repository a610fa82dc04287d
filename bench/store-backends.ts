/**
 * Events/s and outbox deliveries/s written on SQLite vs PostgreSQL, same run, same machine
 * (issue 12 item 9). Run: node --import tsx bench/store-backends.ts [events] [deliveries]
 *
 * Both backends through the same async Store interface, every write fenced (the HA path):
 * 1. events, one transaction per transition (each with its host row and one outbox row from
 *    an in-transaction hook, as the monitor + notify pipeline write them);
 * 2. events in batches of 100 per transaction (a burst: many hosts change in one tick);
 * 3. deliveries: the dispatcher's per-message round trip, one event per message:
 *    claim (SKIP LOCKED on PostgreSQL) + fix the batch, read the head, ack it sent.
 * PostgreSQL is a throw-away local cluster (test/support/postgres.ts: fsync off, loopback),
 * so its figures are the client/protocol cost, not a durable disk's.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/types.js';
import { startPostgres } from '../test/support/postgres.js';
import { tempDir } from '../test/support/proc.js';
import { ev, rowsFor, sampleHost, sendAll } from '../test/support/store-fixtures.js';

const EVENTS = Number(process.argv[2] ?? 3000);
const DELIVERIES = Number(process.argv[3] ?? 1500);

interface Figures {
  eventsPerTxPerS: number;
  eventsBatchedPerS: number;
  deliveriesPerS: number;
}

async function measure(store: Store): Promise<Figures> {
  const { epoch } = await store.lease.tryAcquireOrRenew('bench', 60_000, Date.now());
  const fence = { epoch };
  store.events.onRecorded((events) => rowsFor(events, ['hook'], 0));
  const host = (i: number) => sampleHost(`host-${i % 1000}`);

  let t = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    await store.events.record([ev('down', `host-${i % 1000}`, i)], { hosts: [host(i)], fence });
  }
  const eventsPerTxPerS = EVENTS / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < EVENTS; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => ev('up', `host-${(i + j) % 1000}`, i + j));
    await store.events.record(batch, { hosts: batch.slice(0, 100).map((_, j) => host(i + j)), fence });
  }
  const eventsBatchedPerS = EVENTS / ((performance.now() - t) / 1000);

  // Deliveries: one ready row at a time on its own notifier (queued untimed), one per message,
  // so each claim locks one row as in steady state.
  const evs = await store.events.record(
    Array.from({ length: DELIVERIES }, (_, i) => ev('left', `d-${i}`, i)),
  );
  let busyMs = 0;
  for (const e of evs) {
    await store.outbox.enqueue(rowsFor([e], ['deliver'], 0), fence);
    t = performance.now();
    await store.outbox.claim('deliver', 1, 1e15, (ctx) => ({ ...sendAll(ctx), open: [] }), fence);
    const head = await store.outbox.head('deliver');
    if (!head) throw new Error('no batch formed');
    await store.outbox.markSent(head.batch.id, 2, fence);
    busyMs += performance.now() - t;
  }
  const deliveriesPerS = DELIVERIES / (busyMs / 1000);
  return { eventsPerTxPerS, eventsBatchedPerS, deliveriesPerS };
}

const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(' ');
const dir = tempDir('thump-bench-store-');
const cluster = await startPostgres();
try {
  const sqlite = await openStore(join(dir.path, 'bench.db'));
  const a = await measure(sqlite);
  await sqlite.close();
  const pgStore = await openStore(await cluster.createDatabase('bench'));
  const b = await measure(pgStore);
  await pgStore.close();
  const row = (name: string, x: number, y: number) =>
    `| ${name} | ${Math.round(x).toLocaleString('en')} | ${Math.round(y).toLocaleString('en')} | ${(y / x).toFixed(2)} |`;
  console.log(
    `load average before: ${load}; after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `store backends: ${EVENTS} events, ${DELIVERIES} deliveries; ${cpus().length} cores, ${cpus()[0]?.model}, node ${process.version}`,
  );
  console.log('| per second | SQLite | PostgreSQL | PG / SQLite |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    row('events, 1 per transaction (+host row, +outbox row)', a.eventsPerTxPerS, b.eventsPerTxPerS),
  );
  console.log(row('events, 100 per transaction', a.eventsBatchedPerS, b.eventsBatchedPerS));
  console.log(row('deliveries (claim + head + ack, 1 event each)', a.deliveriesPerS, b.deliveriesPerS));
} finally {
  await cluster.stop();
  dir.cleanup();
}
