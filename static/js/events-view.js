/**
 * The event timeline: newest first by the time each entry shows (see byTime in store.js),
 * live, with filters and "older" paging by cursor.
 */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { clockTime, eventText, eventTone, fullTime } from './format.js';
import { meta } from './meta.js';
import { byTime, insertByTime, on, store } from './store.js';

/** One timeline entry. */
export function eventItem(e) {
  const [tone, icon] = eventTone(e.type);
  const at = Date.parse(e.at);
  return h(
    'li',
    { class: `ev ev-${tone}`, dataset: { id: e.id } },
    h('time', { datetime: e.at, title: fullTime(at) }, clockTime(at)),
    h('span', { class: `tag t-${tone}` }, `${icon} ${e.type}`),
    e.hostId
      ? h('a', { class: 'ev-host', href: `#/host/${encodeURIComponent(e.hostId)}` }, e.hostId)
      : h('span', { class: 'ev-host' }, 'fleet'),
    h('span', { class: 'ev-text' }, eventText(e)),
  );
}

/** Compact live timeline (the hosts page's side panel). */
export function mountTimeline(root, limit = 30) {
  const list = h('ol', { class: 'timeline', 'aria-live': 'polite', 'aria-label': 'Recent events' });
  root.append(
    h('h2', {}, 'Recent events'),
    list,
    h('a', { href: '#/events', class: 'more' }, 'All events →'),
  );
  const render = () => {
    const items = store.events.slice(0, limit).map(eventItem);
    // Before the first answer from the monitor, "No events yet." would be a claim we cannot make.
    const none = store.loaded ? 'No events yet.' : 'No data from the monitor yet.';
    replace(list, items.length ? items : [h('li', { class: 'empty' }, none)]);
  };
  render();
  return { unmount: on('events', render) };
}

/** Full page: type and host filters, live updates, older pages on demand. */
export function mountEvents(root) {
  const type = h(
    'select',
    { 'aria-label': 'Event type', class: 'filter' },
    h('option', { value: '' }, 'All types'),
    meta.eventTypes.map((t) => h('option', { value: t }, t)),
  );
  const host = h('input', {
    type: 'search',
    placeholder: 'Host id…',
    'aria-label': 'Host id',
    class: 'search',
  });
  const list = h('ol', { class: 'timeline full', 'aria-label': 'Events' });
  const more = h('button', { type: 'button', class: 'btn' }, 'Load older events');
  const status = h('p', { class: 'muted', role: 'status' });
  root.append(h('div', { class: 'toolbar' }, type, host), list, h('div', { class: 'pager' }, more, status));

  let events = [];
  let cursor;
  let seen = 0;

  const query = () => {
    const p = new URLSearchParams({ limit: '100' });
    if (type.value) p.set('type', type.value);
    if (host.value.trim()) p.set('host', host.value.trim());
    return p;
  };

  async function load(reset) {
    const p = query();
    if (!reset && cursor) p.set('before', cursor);
    status.textContent = 'Loading…';
    try {
      const { data, headers } = await api(`/api/events?${p}`);
      events = (reset ? data : events.concat(data)).sort(byTime);
      cursor = headers.get('x-next-cursor') ?? undefined;
      more.hidden = !cursor;
      seen = store.lastEventId;
      status.textContent = events.length ? '' : 'No events match.';
      replace(list, events.map(eventItem));
    } catch (err) {
      status.textContent = `Could not load events: ${err.message}`;
    }
  }

  // Live: prepend new events that match the filters.
  const off = on('events', () => {
    const fresh = store.events.filter((e) => e.id > seen).reverse();
    if (!fresh.length) return;
    seen = store.lastEventId;
    const h0 = host.value.trim();
    let added = false;
    for (const e of fresh) {
      if (type.value && e.type !== type.value) continue;
      if (h0 && e.hostId !== h0) continue;
      insertByTime(events, e);
      added = true;
    }
    if (added) replace(list, events.map(eventItem));
  });

  type.addEventListener('change', () => load(true));
  let t;
  host.addEventListener('input', () => {
    clearTimeout(t);
    t = setTimeout(() => load(true), 250);
  });
  more.addEventListener('click', () => load(false));
  load(true);
  return { unmount: off };
}
