/**
 * Silences on SQLite (validated by the caller; `config` ones replaced at monitor start, only
 * `api` ones removable). Config silences from thump.yaml are mirrored here so the API, the
 * CLI and the dashboard list one set.
 */
import type { Silence } from '../../notify/types.js';
import type { WithoutCopy } from '../records.js';
import { SILENCE_INSERT_COLUMNS, type SilenceRow, silenceFromRow, silenceToRow } from '../rows.js';
import type { RemoveSilenceResult, SilenceStore } from '../types.js';
import type { Db } from './db.js';
import type { SqliteTx } from './fence.js';

export function sqliteSilenceStore(db: Db, tx: SqliteTx): WithoutCopy<SilenceStore> {
  const insertStmt = db.prepare(
    `INSERT INTO silences (${SILENCE_INSERT_COLUMNS})
     VALUES (${SILENCE_INSERT_COLUMNS.split(', ')
       .map((c) => `@${c}`)
       .join(', ')})`,
  );
  const insert = (s: Omit<Silence, 'id'>): Silence => ({
    ...s,
    id: Number(insertStmt.run(silenceToRow(s)).lastInsertRowid),
  });
  const get = (id: number) => {
    const r = db.prepare<[number], SilenceRow>('SELECT * FROM silences WHERE id = ?').get(id);
    return r ? silenceFromRow(r) : undefined;
  };
  return {
    list: async (opts = {}) =>
      (opts.activeOrPendingAt === undefined
        ? db.prepare<[], SilenceRow>('SELECT * FROM silences ORDER BY id DESC').all()
        : db
            .prepare<[number], SilenceRow>(
              'SELECT * FROM silences WHERE ends_at IS NULL OR ends_at > ? ORDER BY id DESC',
            )
            .all(opts.activeOrPendingAt)
      ).map(silenceFromRow),
    get: async (id) => get(id),
    add: (s, fence) => tx(fence, () => insert(s)),
    remove: (id, fence) =>
      tx(fence, (): RemoveSilenceResult => {
        const s = get(id);
        if (!s) return { removed: false, reason: 'not-found' };
        if (s.origin === 'config') return { removed: false, reason: 'config' };
        db.prepare('DELETE FROM silences WHERE id = ?').run(id);
        return { removed: true };
      }),
    replaceConfig: (silences, fence) =>
      tx(fence, () => {
        db.prepare(`DELETE FROM silences WHERE origin = 'config'`).run();
        return silences.map(insert);
      }),
    prune: (now, keepMs, fence) =>
      tx(
        fence,
        () =>
          db.prepare('DELETE FROM silences WHERE ends_at IS NOT NULL AND ends_at < ?').run(now - keepMs)
            .changes,
      ),
  };
}
