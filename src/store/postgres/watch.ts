/**
 * New-event notices on PostgreSQL: `record()` calls `pg_notify('thump_events', <last id>)`
 * inside its transaction (delivered at commit, never for a rolled-back write), and
 * `watch()` keeps one dedicated connection that LISTENs, reconnecting every second after
 * it breaks (a store outage) until stopped. Notices only say "read from id N": a listener
 * that missed some (while reconnecting) catches up by listing events after its cursor.
 */
import pg from 'pg';
import type { PgDb } from './client.js';

export const EVENTS_CHANNEL = 'thump_events';
const RECONNECT_MS = 1000;

/** Sends the notice on `c` (inside the recording transaction). */
export async function notifyEvents(c: pg.PoolClient, lastId: number): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, String(lastId)]);
}

/** LISTENs until the returned stop function is called; resolves once the first LISTEN is active. */
export async function watchEvents(
  db: PgDb,
  listener: (lastId: number) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client(db.clientConfig);
    const lost = () => {
      if (client === c) client = undefined;
      c.end().catch(() => {});
      if (!stopped && timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          if (!stopped) connect().catch(lost);
        }, RECONNECT_MS);
        timer.unref();
      }
    };
    c.on('error', lost);
    c.on('end', () => {
      if (client === c) lost();
    });
    c.on('notification', (n) => {
      const id = Number(n.payload);
      if (n.channel === EVENTS_CHANNEL && Number.isFinite(id)) listener(id);
    });
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    client = c;
  };
  try {
    await connect();
  } catch (err) {
    throw db.fail('cannot LISTEN for new events', err, true);
  }
  return async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}
