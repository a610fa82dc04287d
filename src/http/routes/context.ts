import type { Logger } from 'pino';
import type { MonitorView } from '../../monitor/types.js';
import type { NotifyView } from '../../notify/types.js';
import type { Store } from '../../store/index.js';
import type { HttpLimits } from '../config.js';
import type { LiveHub } from '../live-hub.js';

/** What every route module gets: the monitor, stores and helpers, nothing global. */
export interface AppContext {
  monitor: MonitorView;
  notify: NotifyView | undefined;
  store: Store;
  now: () => number;
  hub: LiveHub;
  beatHistory: (id: string) => number[];
  /** preHandler for write endpoints. */
  auth: (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => Promise<void>;
  logger: Logger | undefined;
  startedAt: number;
  info: Record<string, unknown>;
  limits: HttpLimits;
}
