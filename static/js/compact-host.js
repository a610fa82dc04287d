/**
 * Reads `/api/ui/hosts` rows through the `fields` list the server sends with them (see
 * CompactHost in src/http/json.ts), never by position: a field the server adds, drops or
 * moves cannot shift every column by one. Pure: no DOM, so a unit test runs it in Node.
 */

/** The fields the dashboard renders; a snapshot without one of them is an error. */
export const NEEDED_FIELDS = [
  'id',
  'state',
  'address',
  'lastBeatAt',
  'intervalMs',
  'uptimeSeconds',
  'load1',
  'load5',
  'load15',
  'worstSeverity',
  'checks',
  'labels',
  'flapping',
  'silencedBy',
  'source',
  'sweepError',
];

/** Lowercased text the host search matches against. */
export function searchText(h) {
  let s = `${h.id} ${h.address}`;
  for (const k in h.labels) s += ` ${k}=${h.labels[k]}`;
  if (h.source === 'sweep') s += ' sweep';
  return s.toLowerCase();
}

/**
 * A decoder for rows listed as `fields`; `severities` names severity numbers (the server's
 * list, from /api/ui/meta). Throws, naming the missing fields, when the server's rows lack
 * one the dashboard needs (a server and a dashboard from different versions).
 */
export function compactReader(fields, severities) {
  const at = new Map(fields.map((f, i) => [f, i]));
  const missing = NEEDED_FIELDS.filter((f) => !at.has(f));
  if (missing.length > 0) {
    throw new Error(
      `the server's host rows lack the field(s) ${missing.join(', ')} this dashboard needs (server sent: ${fields.join(', ')}); reload the page after upgrading`,
    );
  }
  const i = Object.fromEntries(NEEDED_FIELDS.map((f) => [f, at.get(f)]));
  const sev = (n) => severities[n] ?? 'unknown';
  return (r) => {
    const h = {
      id: r[i.id],
      state: r[i.state],
      address: r[i.address],
      _beat: r[i.lastBeatAt],
      intervalMs: r[i.intervalMs],
      uptimeSeconds: r[i.uptimeSeconds],
      load: [r[i.load1], r[i.load5], r[i.load15]],
      checkStatus: sev(r[i.worstSeverity]),
      checks: r[i.checks].map((c) => ({ id: c[0], severity: sev(c[1]), text: c[2] })),
      labels: r[i.labels],
      flapping: r[i.flapping] === 1,
      silencedBy: r[i.silencedBy] || null,
      source: r[i.source] ?? 'agent',
      sweepError: r[i.sweepError] || '',
    };
    h._search = searchText(h);
    return h;
  };
}

/** The fields of an SSE `beats` row the dashboard reads (BEAT_FIELDS in src/http/json.ts). */
export const BEAT_NEEDED_FIELDS = ['id', 'lastBeatAt', 'uptimeSeconds', 'load1', 'state', 'worstSeverity'];

/**
 * A decoder for SSE `beats` rows listed as `fields` (sent with every `beats` message), so
 * beat rows are read by name like the snapshot rows. Throws, naming what is missing, when
 * the server's rows lack a field the dashboard needs.
 */
export function beatReader(fields) {
  const at = new Map((fields ?? []).map((f, i) => [f, i]));
  const missing = BEAT_NEEDED_FIELDS.filter((f) => !at.has(f));
  if (missing.length > 0) {
    throw new Error(
      `the server's beat rows lack the field(s) ${missing.join(', ')} this dashboard needs (server sent: ${(fields ?? []).join(', ')}); reload the page after upgrading`,
    );
  }
  const i = Object.fromEntries(BEAT_NEEDED_FIELDS.map((f) => [f, at.get(f)]));
  return (r) => ({
    id: r[i.id],
    lastBeatAt: r[i.lastBeatAt],
    uptimeSeconds: r[i.uptimeSeconds],
    load1: r[i.load1],
    state: r[i.state],
    worstSeverity: r[i.worstSeverity],
  });
}
