/** Silences on PostgreSQL (validated by the caller; `config` ones replaced at monitor start). */
import type { Silence } from '../../notify/types.js';
import type { WithoutCopy } from '../records.js';
import { SILENCE_INSERT_COLUMNS, type SilenceRow, silenceFromRow, silenceToRow } from '../rows.js';
import type { RemoveSilenceResult, SilenceStore } from '../types.js';
import type { PgDb, Queryable } from './client.js';

const INSERT = `INSERT INTO silences (${SILENCE_INSERT_COLUMNS})
  VALUES (${SILENCE_INSERT_COLUMNS.split(', ')
    .map((_, i) => `$${i + 1}`)
    .join(', ')}) RETURNING id`;

async function insert(c: Queryable, s: Omit<Silence, 'id'>): Promise<Silence> {
  const r = await c.query<{ id: number }>(INSERT, Object.values(silenceToRow(s)));
  return { ...s, id: r.rows[0]?.id as number };
}

export function pgSilenceStore(db: PgDb): WithoutCopy<SilenceStore> {
  return {
    list: async (opts = {}) =>
      (opts.activeOrPendingAt === undefined
        ? await db.query<SilenceRow>('SELECT * FROM silences ORDER BY id DESC')
        : await db.query<SilenceRow>(
            'SELECT * FROM silences WHERE ends_at IS NULL OR ends_at > $1 ORDER BY id DESC',
            [opts.activeOrPendingAt],
          )
      ).map(silenceFromRow),
    get: async (id) => {
      const r = (await db.query<SilenceRow>('SELECT * FROM silences WHERE id = $1', [id]))[0];
      return r ? silenceFromRow(r) : undefined;
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
