/**
 * The page's data: hosts by id, recent events, and the server-clock offset. Views subscribe
 * to topics (`hosts`, `beats`, `events`) and re-render on the next animation frame, so a
 * burst of updates costs one render.
 */
import { beatReader, compactReader, searchText } from './compact-host.js';
import { meta } from './meta.js';

const MAX_EVENTS = 500;

export const store = {
  /** id -> host JSON plus `_beat` (last beat, ms) and `_search` (lowercased search text). */
  hosts: new Map(),
  /** Newest first by the time they show (`at`), then by id: see byTime. */
  events: [],
  lastEventId: 0,
  /** The event applied last from the stream (views ask "was it about my host?"). */
  latestEvent: undefined,
  /** A host snapshot arrived at least once (until then "0 hosts" would be a lie). */
  loaded: false,
  /** Server time of the host snapshot (the stream sends beats after it). */
  snapshotAt: 0,
  /** Bumped whenever hosts are added, replaced or change state (views skip redundant work). */
  version: 0,
  /** serverNow - Date.now(), so ages tick in the server's time. */
  offset: 0,
  listeners: new Map(),
  pending: new Set(),
  frame: 0,
};

export function now() {
  return Date.now() + store.offset;
}

export function on(topic, fn) {
  let set = store.listeners.get(topic);
  if (!set) {
    set = new Set();
    store.listeners.set(topic, set);
  }
  set.add(fn);
  return () => set.delete(fn);
}

export function emit(topic) {
  store.pending.add(topic);
  if (store.frame) return;
  store.frame = requestAnimationFrame(() => {
    store.frame = 0;
    const topics = [...store.pending];
    store.pending.clear();
    for (const t of topics) for (const fn of store.listeners.get(t) ?? []) fn();
  });
}

/** A full host from the API or the stream (ISO times). */
function prepare(h) {
  h._beat = h.lastBeatAt ? Date.parse(h.lastBeatAt) : 0;
  h._search = searchText(h);
  return h;
}

/** Replaces every host with the `/api/ui/hosts` snapshot. */
export function setHosts(data) {
  if (data.now) store.offset = data.now - Date.now();
  store.snapshotAt = data.now ?? 0;
  const read = compactReader(data.fields, meta.severities);
  const m = new Map();
  for (const r of data.rows) {
    const host = read(r);
    m.set(host.id, host);
  }
  store.hosts = m;
  store.loaded = true;
  store.version++;
  emit('hosts');
}

/**
 * Newest first by `at`, the time each entry shows (for `down`: the deadline that passed,
 * which is when the host was last known alive plus its timeout, not when the monitor
 * noticed), then by id. Ordering by id alone put 01:05:22 above 01:05:23 whenever an event
 * was recorded after a later-dated one.
 */
export function byTime(a, b) {
  return Date.parse(b.at) - Date.parse(a.at) || b.id - a.id;
}

export function setEvents(list) {
  store.events = [...list].sort(byTime).slice(0, MAX_EVENTS);
  for (const e of list) if (e.id > store.lastEventId) store.lastEventId = e.id;
  emit('events');
}

/** Inserts `e` into the newest-first `list` at its place by time. */
export function insertByTime(list, e) {
  let i = 0;
  while (i < list.length && byTime(list[i], e) < 0) i++;
  list.splice(i, 0, e);
}

/** An SSE `event` message: the event and the host it is about, as it is now. */
export function applyEvent(event, host) {
  if (event.id <= store.lastEventId) return;
  store.lastEventId = event.id;
  store.latestEvent = event;
  insertByTime(store.events, event);
  if (store.events.length > MAX_EVENTS) store.events.length = MAX_EVENTS;
  if (host) {
    // Stream updates do not evaluate silences; keep what the last snapshot said.
    host.silencedBy = store.hosts.get(host.id)?.silencedBy ?? null;
    store.hosts.set(host.id, prepare(host));
    store.version++;
  }
  emit('events');
  if (host) emit('hosts');
}

/** The beat-row decoder of the last `fields` list seen (the server sends the same one each time). */
let beats = { key: '', read: undefined };

/** An SSE `beats` message: rows read by name through the `fields` list sent with them. */
export function applyBeats({ now: serverNow, fields, rows }) {
  if (serverNow) store.offset = serverNow - Date.now();
  const key = (fields ?? []).join(',');
  if (beats.key !== key || !beats.read) beats = { key, read: beatReader(fields) };
  const read = beats.read;
  let stateChanged = false;
  let unknown = 0;
  for (const row of rows) {
    const { id, lastBeatAt: beat, uptimeSeconds: uptime, load1, state, worstSeverity: sev } = read(row);
    const h = store.hosts.get(id);
    if (!h) {
      unknown++;
      continue;
    }
    h._beat = beat;
    h.uptimeSeconds = uptime;
    h.load[0] = load1;
    if (h.state !== state) {
      h.state = state;
      stateChanged = true;
      store.version++;
    }
    h.checkStatus = meta.severities[sev] ?? 'unknown';
  }
  emit(stateChanged ? 'hosts' : 'beats');
  return unknown;
}

/** Counts for the summary bar. */
export function counts() {
  const c = { total: 0, up: 0, down: 0, left: 0, flapping: 0, checks: 0, late: 0 };
  const t = now();
  for (const h of store.hosts.values()) {
    c.total++;
    c[h.state] = (c[h.state] ?? 0) + 1;
    if (h.flapping) c.flapping++;
    if (h.checkStatus !== 'ok') c.checks++;
    if (h.state === 'up' && isLate(h, t)) c.late++;
  }
  return c;
}

/**
 * An `up` host whose last beat is older than 1.5 intervals: alive, but beats are going missing.
 * Swept hosts without a known interval (0) are never late.
 */
export function isLate(h, t) {
  return h._beat > 0 && h.intervalMs > 0 && t - h._beat > h.intervalMs * 1.5;
}
