/**
 * The high-availability rows on PostgreSQL: the lease that makes one monitor active, and
 * the per-monitor liveness and suspect rows each monitor writes for itself.
 *
 * The lease is one row taken or renewed by one upsert: a holder renews its own unexpired
 * lease at the same epoch; anyone takes a free or expired lease and the epoch rises. A
 * fenced write locks the row `FOR SHARE` (src/store/postgres/client.ts), so a takeover
 * waits for writes in flight and a former holder's later writes see the new epoch.
 * Times are the callers' clocks (ms): monitors need synchronised clocks (NTP), and the
 * takeover margin must exceed their skew (docs/store.md).
 */
import type { LeaseRecord, LeaseStore, MonitorLiveness, MonitorRowsStore, Suspect } from '../types.js';
import type { PgDb } from './client.js';

interface LeaseRow {
  holder: string;
  epoch: number;
  expires_at: number;
}

const ACQUIRE = `INSERT INTO ha_lease AS l (id, holder, epoch, expires_at, acquired_at) VALUES (1, $1, 1, $2, $3)
  ON CONFLICT (id) DO UPDATE SET
    epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > $3 THEN l.epoch ELSE l.epoch + 1 END,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > $3 THEN l.acquired_at ELSE $3 END,
    holder = EXCLUDED.holder,
    expires_at = EXCLUDED.expires_at
  WHERE l.holder = EXCLUDED.holder AND l.expires_at > $3 OR l.expires_at <= $3
  RETURNING holder, epoch, expires_at`;

export function pgLeaseStore(db: PgDb): LeaseStore {
  const current = async (): Promise<LeaseRecord | undefined> => {
    const r = (await db.query<LeaseRow>('SELECT holder, epoch, expires_at FROM ha_lease WHERE id = 1'))[0];
    return r ? { holder: r.holder, epoch: r.epoch, expiresAt: r.expires_at } : undefined;
  };
  return {
    tryAcquireOrRenew: async (holder, ttlMs, now) => {
      const r = (await db.query<LeaseRow>(ACQUIRE, [holder, Math.round(now + ttlMs), Math.round(now)]))[0];
      if (r) return { held: true, holder: r.holder, epoch: r.epoch, expiresAt: r.expires_at };
      // Only an unexpired lease of someone else stops the upsert, so the row exists.
      const cur = await current();
      return { held: false, ...(cur ?? { holder: '', epoch: 0, expiresAt: 0 }) };
    },
    current,
    release: async (holder, epoch) => {
      const r = await db.query(
        'UPDATE ha_lease SET expires_at = 0 WHERE id = 1 AND holder = $1 AND epoch = $2 RETURNING 1',
        [holder, epoch],
      );
      return r.length > 0;
    },
  };
}

export function pgMonitorRows(db: PgDb): MonitorRowsStore {
  return {
    heartbeat: async (monitorId, now, info = {}) => {
      await db.query(
        `INSERT INTO ha_monitors (monitor_id, seen_at, info) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (monitor_id) DO UPDATE SET seen_at = EXCLUDED.seen_at, info = EXCLUDED.info`,
        [monitorId, Math.round(now), JSON.stringify(info)],
      );
    },
    live: async (since) =>
      (
        await db.query<{ monitor_id: string; seen_at: number; info: Record<string, unknown> }>(
          'SELECT monitor_id, seen_at, info FROM ha_monitors WHERE seen_at >= $1 ORDER BY monitor_id',
          [Math.round(since)],
        )
      ).map((r): MonitorLiveness => ({ monitorId: r.monitor_id, seenAt: r.seen_at, info: r.info })),
    addSuspects: async (monitorId, hostIds, since) => {
      if (hostIds.length === 0) return;
      await db.query(
        `INSERT INTO ha_suspects (host_id, monitor_id, since) SELECT h, $1, $2 FROM unnest($3::text[]) AS h
         ON CONFLICT (host_id, monitor_id) DO NOTHING`,
        [monitorId, Math.round(since), [...hostIds]],
      );
    },
    removeSuspects: async (monitorId, hostIds) => {
      if (hostIds.length === 0) return;
      await db.query('DELETE FROM ha_suspects WHERE monitor_id = $1 AND host_id = ANY($2::text[])', [
        monitorId,
        [...hostIds],
      ]);
    },
    suspects: async (monitorId) =>
      (
        await db.query<{ monitor_id: string; host_id: string; since: number }>(
          `SELECT monitor_id, host_id, since FROM ha_suspects ${monitorId === undefined ? '' : 'WHERE monitor_id = $1'}
           ORDER BY host_id, monitor_id`,
          monitorId === undefined ? [] : [monitorId],
        )
      ).map((r): Suspect => ({ monitorId: r.monitor_id, hostId: r.host_id, since: r.since })),
  };
}
