import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceError } from '../src/errors.js';
import { openStore } from '../src/store/open.js';
import type { PostgresStore } from '../src/store/postgres/index.js';
import { FencedError, type Store } from '../src/store/types.js';
import { type PgCluster, startPostgres } from './support/postgres.js';
import { tempDir, waitFor } from './support/proc.js';
import { storeConformance } from './support/store-conformance.js';
import { ev, rowsFor, sampleHost, sendAll } from './support/store-fixtures.js';

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
});

storeConformance({
  name: 'PostgreSQL',
  freshTarget: () => cluster.createDatabase('conf'),
  open: (target) => openStore(target),
  setSchemaVersion: async (target, domain, version) => {
    const c = await cluster.client(new URL(target).pathname.slice(1));
    try {
      await c.query('UPDATE schema_versions SET version = $1 WHERE domain = $2', [version, domain]);
    } finally {
      await c.end();
    }
  },
  additionalTests: ({ fresh }) => {
    it('never claims one outbox row twice with two concurrent claimers (SKIP LOCKED)', async () => {
      const s = await fresh();
      const other = await openStore(s.target.replace('***', encodeURIComponent(cluster.password)));
      try {
        const events = await s.events.record(Array.from({ length: 200 }, (_, i) => ev('down', `h${i}`, i)));
        await s.outbox.enqueue(rowsFor(events, ['hook']));
        const claimed: number[][] = [];
        const claimer = (store: Store) => async () => {
          for (let round = 0; round < 20; round++) {
            const r = await store.outbox.claim('hook', 2000, 9000, (ctx) => {
              claimed.push(ctx.items.slice(0, 10).map((i) => i.rowId));
              return { ...sendAll({ items: ctx.items.slice(0, 10), open: ctx.open }), open: [] };
            });
            if (r.claimed === 0) return;
          }
        };
        await Promise.all([claimer(s)(), claimer(other)(), claimer(s)()]);
        const all = claimed.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(all).toHaveLength(200);
        expect(await s.outbox.pending('hook', 9000)).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('raises the epoch on takeover and refuses the stale holder’s fenced writes', async () => {
      const s = await fresh();
      const a = await s.lease.tryAcquireOrRenew('m1', 3000, 10_000);
      const blocked = await s.lease.tryAcquireOrRenew('m2', 3000, 12_000);
      expect(blocked).toMatchObject({ held: false, holder: 'm1', epoch: a.epoch });
      const b = await s.lease.tryAcquireOrRenew('m2', 3000, 13_000); // m1's lease ended at 13,000
      expect(b).toEqual({ held: true, holder: 'm2', epoch: a.epoch + 1, expiresAt: 16_000 });
      await expect(
        s.events.record([ev('down', 'x', 1)], { fence: { epoch: a.epoch } }),
      ).rejects.toBeInstanceOf(FencedError);
      await expect(s.outbox.claim('hook', 1, 1, sendAll, { epoch: a.epoch })).rejects.toThrow(
        /epoch 1 but the lease is at 2/,
      );
      await s.events.record([ev('down', 'x', 1)], { fence: { epoch: b.epoch } });
      // The old holder coming back after expiry gets a new term, not its old epoch.
      expect(await s.lease.tryAcquireOrRenew('m1', 3000, 14_000)).toMatchObject({
        held: false,
        holder: 'm2',
      });
      expect(await s.lease.tryAcquireOrRenew('m1', 3000, 16_000)).toMatchObject({
        held: true,
        epoch: b.epoch + 1,
      });
      expect((await s.events.list()).map((e) => e.hostId)).toEqual(['x']);
    });

    it('makes a takeover wait for a fenced write in flight, which then commits at the old epoch', async () => {
      const s = (await fresh()) as PostgresStore;
      const a = await s.lease.tryAcquireOrRenew('m1', 1000, 0);
      let open: () => void = () => {};
      const gate = new Promise<void>((r) => {
        open = r;
      });
      const write = s.db.tx({ epoch: a.epoch }, async (c) => {
        await c.query(`INSERT INTO ha_monitors (monitor_id, seen_at) VALUES ('in-flight', 1)`);
        await gate;
      });
      await waitFor(
        async () =>
          (await s.db.query(`SELECT 1 FROM pg_locks WHERE relation = 'ha_lease'::regclass`)).length > 0,
        'the fenced write to lock the lease row',
      );
      const takeover = s.lease.tryAcquireOrRenew('m2', 1000, 5000);
      await waitFor(
        async () =>
          (
            await s.db.query(
              `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO ha_lease%'`,
            )
          ).length > 0,
        'the takeover to wait on the lease row lock',
      );
      open();
      await write;
      expect(await takeover).toMatchObject({ held: true, holder: 'm2', epoch: a.epoch + 1 });
      expect((await s.monitors.live(0)).map((m) => m.monitorId)).toEqual(['in-flight']);
      await expect(s.db.tx({ epoch: a.epoch }, async () => {})).rejects.toBeInstanceOf(FencedError);
    });

    it('lets a takeover through when the writer froze mid-transaction: the server ends that session', async () => {
      const s = (await fresh()) as PostgresStore;
      const a = await s.lease.tryAcquireOrRenew('m1', 1000, 0);
      let thaw: () => void = () => {};
      const frozen = new Promise<void>((r) => {
        thaw = r;
      });
      // The writer locks the lease row, then stops talking (as kill -STOP would leave it).
      const write = s.db.tx({ epoch: a.epoch }, async (c) => {
        await c.query(`INSERT INTO ha_monitors (monitor_id, seen_at) VALUES ('frozen', 1)`);
        await frozen;
        await c.query(`INSERT INTO ha_monitors (monitor_id, seen_at) VALUES ('thawed', 2)`);
      });
      const settled = write.then(
        () => 'committed',
        (err: unknown) => err,
      );
      await waitFor(
        async () =>
          (await s.db.query(`SELECT 1 FROM pg_locks WHERE relation = 'ha_lease'::regclass`)).length > 0,
        'the frozen write to lock the lease row',
      );
      // Without the server's idle-in-transaction bound this would wait for as long as the
      // writer stays frozen (here: forever, the test would time out).
      expect(await s.lease.tryAcquireOrRenew('m2', 1000, 5000)).toMatchObject({
        held: true,
        holder: 'm2',
        epoch: a.epoch + 1,
      });
      thaw();
      const outcome = await settled;
      expect(outcome).toBeInstanceOf(ResourceError);
      expect((await s.monitors.live(0)).map((m) => m.monitorId)).toEqual([]);
      // The pool still works after discarding the ended connection.
      expect((await s.lease.current())?.holder).toBe('m2');
    });

    it('lets only one of several racing monitors take a free lease', async () => {
      const s = await fresh();
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((m) => s.lease.tryAcquireOrRenew(m, 3000, 1000)),
      );
      expect(results.filter((r) => r.held)).toHaveLength(1);
      expect(new Set(results.map((r) => r.holder)).size).toBe(1);
    });

    it('writes host batches larger than one statement chunk', async () => {
      const s = await fresh();
      const hosts = Array.from({ length: 2345 }, (_, i) =>
        sampleHost(`n${String(i).padStart(4, '0')}`, { seq: i }),
      );
      await s.hosts.save([...hosts, { ...(hosts[0] as (typeof hosts)[0]), seq: 99 }]);
      const back = await s.hosts.load();
      expect(back).toHaveLength(2345);
      expect(back[0]?.seq).toBe(99);
    });
  },
});

describe('PostgreSQL migrations', () => {
  it('migrates once when several monitors open a fresh database at the same moment', async () => {
    const url = await cluster.createDatabase('race');
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    try {
      const versions = await Promise.all(stores.map((s) => s.schemaVersions()));
      expect(versions[1]).toEqual(versions[0]);
      expect(versions[0]).toMatchObject({ core: 1, 'notify-outbox': 1, silences: 1, sweeps: 1, ha: 1 });
    } finally {
      for (const s of stores) await s.close();
    }
  });
});

describe('PostgreSQL targets', () => {
  it('logs in with a password_file and with PGPASSWORD when the URL has none', async () => {
    const url = await cluster.createDatabase('pw');
    const bare = url.replace(`:${encodeURIComponent(cluster.password)}@`, '@');
    const d = tempDir();
    const file = join(d.path, 'pw');
    writeFileSync(file, `${cluster.password}\n`);
    const a = await openStore(bare, { passwordFile: file, env: { PGPASSFILE: join(d.path, 'none') } });
    await a.ping();
    await a.close();
    const b = await openStore(bare, {
      env: { PGPASSWORD: cluster.password, PGPASSFILE: join(d.path, 'none') },
    });
    expect(b.target).toBe(bare);
    await b.close();
    d.cleanup();
  });

  it('leaves the password to a ~/.pgpass-style file (PGPASSFILE) when nothing else gives one', async () => {
    const url = await cluster.createDatabase('pgpass');
    const bare = url.replace(`:${encodeURIComponent(cluster.password)}@`, '@');
    const d = tempDir();
    const file = join(d.path, 'pgpass');
    writeFileSync(
      file,
      `# host:port:db:user:password\n127.0.0.1:${cluster.port}:*:postgres:${cluster.password}\n`,
      {
        mode: 0o600,
      },
    );
    try {
      const s = await openStore(bare, { env: { PGPASSFILE: file } });
      await s.ping();
      await s.close();
      await expect(openStore(bare, { env: { PGPASSFILE: join(d.path, 'absent') } })).rejects.toThrow(
        /127\.0\.0\.1:\d+\/pgpass_\S+: cannot connect .*the server asks for a password and none was given/,
      );
    } finally {
      d.cleanup();
    }
  });

  it('fails with a ResourceError that names the target but never the password', async () => {
    const url = await cluster.createDatabase('bad');
    const wrong = url.replace(encodeURIComponent(cluster.password), 'not-the-password');
    const err = await openStore(wrong).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResourceError);
    expect((err as Error).message).toMatch(
      /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/bad_.*password authentication failed/,
    );
    expect((err as Error).message).not.toContain('not-the-password');
  });

  it('rejects with a redacted ResourceError while the server is down, and works again after', async () => {
    const s = await openStore(await cluster.createDatabase('outage'));
    let down = false;
    try {
      await s.events.record([ev('down', 'a', 1)]);
      const heard: number[] = [];
      const stopWatch = await s.events.watch((id) => heard.push(id));
      await cluster.stopServer();
      down = true;
      const err = await s.events.record([ev('down', 'b', 2)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ResourceError);
      expect((err as Error).message).toMatch(
        /^PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/outage_/,
      );
      expect((err as Error).message).not.toContain(cluster.password);
      await expect(s.ping()).rejects.toBeInstanceOf(ResourceError);
      await cluster.startServer();
      down = false;
      await waitFor(() => s.ping().then(() => true), 'the store to answer again');
      await s.events.record([ev('down', 'b', 2)]);
      expect((await s.events.list()).map((e) => e.hostId)).toEqual(['b', 'a']);
      // The LISTEN connection comes back by itself (notices sent while it was away are lost).
      await waitFor(async () => {
        await s.events.record([ev('up', 'c', 3)]);
        await new Promise((r) => setTimeout(r, 100));
        return heard.length > 0;
      }, 'the event watcher to reconnect after the outage');
      await stopWatch();
    } finally {
      if (down) await cluster.startServer(); // the later cases need it
      await s.close();
    }
  });

  it('fails with the reason when no server listens', async () => {
    await expect(openStore('postgres://u:secret@127.0.0.1:1/x')).rejects.toThrow(
      /postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: cannot connect .*ECONNREFUSED/,
    );
  });
});
