/**
 * The lists the dashboard shares with the server (event types, host states, severity
 * names, compact row field names), fetched once from `GET /api/ui/meta` instead of being
 * copied by hand into the views.
 */
import { api } from './api.js';

/** Filled by loadMeta(); empty lists until then. */
export const meta = { eventTypes: [], hostStates: [], severities: [], compactFields: [], loaded: false };

/** Fetches the lists (once: later calls reuse the first answer). */
export async function loadMeta() {
  if (meta.loaded) return meta;
  const { data } = await api('/api/ui/meta');
  Object.assign(meta, data, { loaded: true });
  return meta;
}
