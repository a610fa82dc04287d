/**
 * `thump db migrate` and `thump db info` as real processes (the built CLI) between a real
 * SQLite file filled through the store API and a real throw-away PostgreSQL: exact copies
 * both ways, refusal of a non-empty target without --force, --force re-runs, exit codes,
 * redacted messages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/types.js';
import { type PgCluster, startPostgres } from './support/postgres.js';
import { freeTcpPort, runThump, THUMP_BIN, tempDir } from './support/proc.js';
import { exportAll, fillStore, storeSnapshot } from './support/store-conformance-copy.js';
import { ev, rowsFor, sampleHost, sendAll } from './support/store-fixtures.js';

let cluster: PgCluster;
const tmp = tempDir('thump-db-migrate-');
const source = join(tmp.path, 'data', 'thump.db');
let filled: Awaited<ReturnType<typeof fillStore>>;
// No ~/.pgpass or PGPASSWORD of the machine leaks into a run.
const ENV = { HOME: tmp.path, PGPASSWORD: '', PGPASSFILE: join(tmp.path, 'no-pgpass') };

beforeAll(async () => {
  if (!existsSync(THUMP_BIN)) throw new Error(`build first: ${THUMP_BIN} is missing (npm run build)`);
  cluster = await startPostgres();
  const s = await openStore(source);
  filled = await fillStore(s);
  await s.close();
});
afterAll(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

const thump = (...args: string[]) => runThump(['db', ...args], ENV, 60_000);

async function withStore<T>(target: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(target, { env: {} });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
const snapshot = (target: string) => withStore(target, storeSnapshot);

function expectNoPassword(out: { stdout: string; stderr: string }) {
  expect(out.stdout).not.toContain(cluster.password);
  expect(out.stderr).not.toContain(cluster.password);
}

describe('thump db migrate (built CLI, real SQLite file and PostgreSQL)', () => {
  let url: string;
  let want: Awaited<ReturnType<typeof storeSnapshot>>;

  it('copies every domain from SQLite to PostgreSQL exactly and prints the counts', async () => {
    url = await cluster.createDatabase('mig');
    want = await snapshot(source);
    const out = await thump('migrate', '--from', source, '--to', url);
    expect(out.stderr).not.toMatch(/unexpected/);
    expect(out.code).toBe(0);
    expectNoPassword(out);
    expect(out.stdout).toContain(`copied sqlite ${source} -> postgres postgres://postgres:***@127.0.0.1:`);
    const total = want.counts.reduce((n, c) => n + c.rows, 0);
    expect(out.stdout).toMatch(/^events\s+events\s+6\s+6$/m);
    expect(out.stdout).toMatch(/^outbox\s+notify_outbox\s+\d+\s+\d+$/m);
    expect(out.stdout).toMatch(new RegExp(`^total\\s+${total}\\s+${total}$`, 'm'));
    expect(out.stdout).toContain(`${total} rows copied in`);
    expect(out.stderr).toMatch(/thump db migrate: events 6 rows/); // piped: plain counts
    expect(await snapshot(url)).toEqual(want);
  });

  it('shows both stores with thump db info: backend, redacted target, schema, rows', async () => {
    const a = await thump('info', source, '--json');
    const b = await thump('info', url, '--json');
    expect([a.code, b.code]).toEqual([0, 0]);
    expectNoPassword(b);
    const ia = JSON.parse(a.stdout);
    const ib = JSON.parse(b.stdout);
    expect(ia).toMatchObject({ backend: 'sqlite', target: source });
    expect(ib).toMatchObject({ backend: 'postgres', target: expect.stringContaining('postgres:***@') });
    expect(ib.schema).toMatchObject({ core: 1, 'notify-outbox': 1, silences: 1, sweeps: 1, ha: 1 });
    expect(ia.schema).toMatchObject({ core: 2, 'notify-outbox': 2, silences: 1, sweeps: 2 });
    expect(ib.tables).toEqual(ia.tables);
    expect(ib.domains).toEqual(ia.domains);
    expect(ia.domains.events).toBe(6);
    const text = await thump('info', url);
    expect(text.stdout).toMatch(/^backend\s+postgres$/m);
    expect(text.stdout).toMatch(/^silences\s+silences\s+2$/m);
  });

  it('continues after the migration: pending rows go out, delivered ones are not sent again', async () => {
    await withStore(url, async (s) => {
      expect((await s.outbox.pending('hook', 1e15)).length).toBe(filled.pendingHook);
      expect((await s.outbox.head('hook'))?.batch.id).not.toBe(filled.sentBatch);
      const before = (await exportAll(s.outbox)).flatMap((r) => (r.table === 'batch' ? [r.id] : []));
      const claim = await s.outbox.claim('hook', 1e15, 1e15, sendAll);
      expect(claim.claimed).toBe(filled.pendingHook);
      expect(claim.batchIds.filter((id) => before.includes(id))).toEqual([]);
      // The store continues the ids and still knows the recorded transitions.
      const [e] = await s.events.record([ev('down', 'z', 99)]);
      expect(e?.id).toBe(want.lastId + 1);
      expect(await s.events.record([ev('down', 'web-1', 20, 'web-1:down:20')])).toEqual([]);
    });
  });

  it('refuses a non-empty target without --force (exit 2), and --force makes it exact again', async () => {
    const again = await thump('migrate', '--from', source, '--to', url);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds \d+ rows \(.*events 7.*\); pass --force to empty it/);
    expectNoPassword(again);
    // The target drifted (the test above claimed and recorded; add a host): --force must
    // empty it first, not merely skip rows it already has.
    await withStore(url, (s) => s.hosts.save([sampleHost('only-in-target')]));
    const forced = await thump('migrate', '--from', source, '--to', url, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/emptied postgres:\/\/postgres:\*\*\*@.* \(--force\)/);
    expect(await snapshot(url)).toEqual(want);
  });

  it('prints JSON lines with --json, copies in small batches, and is exact after a second --force', async () => {
    const out = await thump(
      'migrate',
      '--from',
      source,
      '--to',
      url,
      '--force',
      '--json',
      '--batch-size',
      '2',
    );
    expect(out.code).toBe(0);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(lines).toEqual(
      want.counts.map((c) => ({ domain: c.domain, table: c.table, source: c.rows, target: c.rows })),
    );
    const total = want.counts.reduce((n, c) => n + c.rows, 0);
    expect(summary).toMatchObject({
      summary: true,
      fromBackend: 'sqlite',
      toBackend: 'postgres',
      rows: total,
      copied: total,
    });
    expect(summary.to).toContain('postgres:***@');
    expect(await snapshot(url)).toEqual(want);
  });

  it('goes the way back (PostgreSQL to SQLite) and copies SQLite to SQLite', async () => {
    const back = join(tmp.path, 'back', 'thump.db');
    const a = await thump('migrate', '--from', url, '--to', back);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain(`-> sqlite ${back}`);
    expect(await snapshot(back)).toEqual(want);
    const copy = join(tmp.path, 'copy.db');
    const b = await thump('migrate', '--from', back, '--to', copy);
    expect(b.code).toBe(0);
    expect(await snapshot(copy)).toEqual(want);
  });
});

describe('thump db: usage and failures', () => {
  it('answers --help on the group and on each command (exit 0)', async () => {
    for (const args of [['--help'], ['migrate', '--help'], ['info', '--help']]) {
      const out = await thump(...args);
      expect(out.code, args.join(' ')).toBe(0);
    }
    expect((await thump('migrate', '--help')).stdout).toMatch(/--force[\s\S]*--json[\s\S]*Exit codes/);
  });

  it('refuses an unsupported scheme with exit 2 and no file named after it', async () => {
    for (const [flag, other] of [
      ['--to', ['--from', source]],
      ['--from', ['--to', join(tmp.path, 'never.db')]],
    ] as const) {
      const out = await thump('migrate', ...other, flag, 'mysql://u:pw-secret@db/x');
      expect(out.code, flag).toBe(2);
      expect(out.stderr).toContain(
        `thump: ${flag} "mysql://u:***@db/x": the "mysql://" scheme is not supported`,
      );
      expect(out.stderr).not.toContain('pw-secret');
    }
    expect(existsSync(join(tmp.path, 'never.db'))).toBe(false);
  });

  it('exits 1 with a redacted message when PostgreSQL is unreachable', async () => {
    const port = await freeTcpPort();
    const out = await thump('migrate', '--from', source, '--to', `postgres://u:hunter2@127.0.0.1:${port}/x`);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      new RegExp(`PostgreSQL postgres://u:\\*\\*\\*@127\\.0\\.0\\.1:${port}/x: cannot connect`),
    );
    expect(out.stderr).not.toContain('hunter2');
  });

  it('refuses a missing source file (exit 2) without creating it, and the same store twice', async () => {
    const missing = join(tmp.path, 'missing', 'thump.db');
    const out = await thump('migrate', '--from', missing, '--to', await cluster.createDatabase('none'));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`--from ${missing}: no such file`);
    expect(existsSync(missing)).toBe(false);
    const same = await thump(
      'migrate',
      '--from',
      source,
      '--to',
      join(tmp.path, 'data', '..', 'data', 'thump.db'),
    );
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--from and --to name the same store/);
  });

  it('refuses a target that a live monitor is using, even with --force', async () => {
    const url = await cluster.createDatabase('live');
    await withStore(url, async (s) => {
      await s.monitors.heartbeat('mon-a', Date.now(), {});
      s.events.onRecorded((events) => rowsFor(events, ['hook']));
      await s.events.record([ev('down', 'kept', 1)]);
    });
    const out = await thump('migrate', '--from', source, '--to', url, '--force');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /--to postgres:\/\/postgres:\*\*\*@.*monitors are using this store: mon-a \(seen \d+ s ago\)/,
    );
    await withStore(url, async (s) => expect((await s.events.list()).map((e) => e.hostId)).toEqual(['kept']));
  });
});
