import type { Logger } from 'pino';
import type { MonitorView } from '../../monitor/types.js';
import type { NotifyView } from '../../notify/types.js';
import type { Db } from '../../store/db.js';
import type { HttpLimits } from '../config.js';
import type { EventLog } from '../event-log.js';
import type { LiveHub } from '../live-hub.js';

/** What every route module gets: the monitor, stores and helpers, nothing global. */
export interface AppContext {
  monitor: MonitorView;
  notify: NotifyView | undefined;
  db: Db;
  now: () => number;
  events: EventLog;
  hub: LiveHub;
  beatHistory: (id: string) => number[];
  /** preHandler for write endpoints. */
  auth: (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => Promise<void>;
  logger: Logger | undefined;
  startedAt: number;
  info: Record<string, unknown>;
  limits: HttpLimits;
}
