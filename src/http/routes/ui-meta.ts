import type { FastifyInstance } from 'fastify';
import { EVENT_TYPES, HOST_STATES } from '../../monitor/types.js';
import { SEVERITY_NAMES } from '../../protocol/types.js';
import { COMPACT_FIELDS } from '../json.js';

/**
 * What the dashboard would otherwise copy by hand: the event types (its filter list), the
 * host states, the severity names (the compact rows send severities as their index in
 * this list) and the compact host row's field names. One source, the server's own lists.
 */
export function uiMeta() {
  return {
    eventTypes: EVENT_TYPES,
    hostStates: HOST_STATES,
    severities: SEVERITY_NAMES,
    compactFields: COMPACT_FIELDS,
  };
}

/** `GET /api/ui/meta`: the lists above, read once when the dashboard starts. */
export function uiMetaRoutes(app: FastifyInstance): void {
  const meta = uiMeta();
  app.get('/api/ui/meta', async () => meta);
}
