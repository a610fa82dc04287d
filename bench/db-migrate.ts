/**
 * Rows/s that `thump db migrate` copies from SQLite to PostgreSQL (issue 12 item 7), through
 * the same `copyStore` the CLI runs. Run:
 *   node --import tsx bench/db-migrate.ts [events=100000] [batch=1000]
 *
 * The source SQLite file gets `events` events written through the store API in batches,
 * each with one outbox row (an `onRecorded` hook, as the notify pipeline queues them), and
 * 1,000 hosts. PostgreSQL is the throw-away local cluster of test/support/postgres.ts
 * (fsync off, loopback), so the figures are client, protocol and server CPU, not a disk's.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type CopiedDomain, copyStore } from '../src/store/copy.js';
import { openStore } from '../src/store/open.js';
import { startPostgres } from '../test/support/postgres.js';
import { tempDir } from '../test/support/proc.js';
import { ev, rowsFor, sampleHost } from '../test/support/store-fixtures.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 1000);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const loadBefore = load();
const dir = tempDir('thump-bench-migrate-');
const cluster = await startPostgres();
try {
  const file = join(dir.path, 'thump.db');
  const src = await openStore(file);
  await src.hosts.save(Array.from({ length: 1000 }, (_, i) => sampleHost(`host-${i}`)));
  const off = src.events.onRecorded((events) => rowsFor(events, ['hook'], 0));
  for (let i = 0; i < EVENTS; i += 1000) {
    const n = Math.min(1000, EVENTS - i);
    await src.events.record(Array.from({ length: n }, (_, j) => ev('down', `host-${(i + j) % 1000}`, i + j)));
  }
  off();
  const dst = await openStore(await cluster.createDatabase('migrate'));
  const lastPage = new Map<CopiedDomain, number>();
  const rows = new Map<CopiedDomain, number>();
  const t0 = performance.now();
  const r = await copyStore(src, dst, {
    pageSize: BATCH,
    onPage: (d, n) => {
      lastPage.set(d, performance.now());
      rows.set(d, (rows.get(d) ?? 0) + n);
    },
  });
  // Per domain: from the previous domain's last page (or the start) to its own last page.
  let prev = t0;
  const per: string[] = [];
  for (const [d, at] of lastPage) {
    const n = rows.get(d) ?? 0;
    per.push(
      `${d} ${n} rows ${((at - prev) / 1000).toFixed(2)} s = ${Math.round(n / ((at - prev) / 1000))} rows/s`,
    );
    prev = at;
  }
  await dst.close();
  await src.close();
  console.log(`db migrate SQLite -> PostgreSQL: ${EVENTS} events, batch ${BATCH}`);
  console.log(`  ${per.join('\n  ')}`);
  console.log(
    `  total ${r.copied} rows in ${r.seconds.toFixed(2)} s = ${Math.round(r.copied / r.seconds)} rows/s (incl. counting both sides twice)`,
  );
  console.log(`  load average ${loadBefore} -> ${load()}`);
} finally {
  await cluster.stop();
  dir.cleanup();
}
