/** Silences on PostgreSQL (validated by the caller; `config` ones replaced at monitor start). */
import type { Silence } from '../../notify/types.js';
import type { WithoutCopy } from '../records.js';
import type { RemoveSilenceResult, SilenceStore } from '../types.js';
import type { PgDb, Queryable } from './client.js';

interface Row {
  id: number;
  host_glob: string;
  starts_at: number;
  ends_at: number | null;
  cron: string | null;
  duration_ms: number | null;
  comment: string;
  created_by: string;
  created_at: number;
  origin: 'config' | 'api';
}

function fromRow(r: Row): Silence {
  const s: Silence = {
    id: r.id,
    hostGlob: r.host_glob,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
    origin: r.origin,
  };
  if (r.cron !== null) s.cron = r.cron;
  if (r.duration_ms !== null) s.durationMs = r.duration_ms;
  return s;
}

async function insert(c: Queryable, s: Omit<Silence, 'id'>): Promise<Silence> {
  const r = await c.query<{ id: number }>(
    `INSERT INTO silences (host_glob, starts_at, ends_at, cron, duration_ms, comment, created_by, created_at, origin)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      s.hostGlob,
      s.startsAt,
      s.endsAt,
      s.cron ?? null,
      s.durationMs ?? null,
      s.comment,
      s.createdBy,
      s.createdAt,
      s.origin,
    ],
  );
  return { ...s, id: r.rows[0]?.id as number };
}

export function pgSilenceStore(db: PgDb): WithoutCopy<SilenceStore> {
  return {
    list: async (opts = {}) =>
      (opts.activeOrPendingAt === undefined
        ? await db.query<Row>('SELECT * FROM silences ORDER BY id DESC')
        : await db.query<Row>(
            'SELECT * FROM silences WHERE ends_at IS NULL OR ends_at > $1 ORDER BY id DESC',
            [opts.activeOrPendingAt],
          )
      ).map(fromRow),
    get: async (id) => {
      const r = (await db.query<Row>('SELECT * FROM silences WHERE id = $1', [id]))[0];
      return r ? fromRow(r) : undefined;
    },
    add: (s, fence) => db.tx(fence, (c) => insert(c, s)),
    remove: (id, fence) =>
      db.tx(fence, async (c): Promise<RemoveSilenceResult> => {
        const r = (
          await c.query<{ origin: string }>('SELECT origin FROM silences WHERE id = $1 FOR UPDATE', [id])
        ).rows[0];
        if (!r) return { removed: false, reason: 'not-found' };
        if (r.origin === 'config') return { removed: false, reason: 'config' };
        await c.query('DELETE FROM silences WHERE id = $1', [id]);
        return { removed: true };
      }),
    replaceConfig: (silences, fence) =>
      db.tx(fence, async (c) => {
        await c.query(`DELETE FROM silences WHERE origin = 'config'`);
        const out: Silence[] = [];
        for (const s of silences) out.push(await insert(c, s));
        return out;
      }),
    prune: (now, keepMs, fence) =>
      db.tx(
        fence,
        async (c) =>
          (await c.query('DELETE FROM silences WHERE ends_at IS NOT NULL AND ends_at < $1', [now - keepMs]))
            .rowCount ?? 0,
      ),
  };
}
