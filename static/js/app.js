/**
 * Dashboard entry: loads hosts and recent events, keeps them live over Server-Sent Events
 * (reconnecting and catching up from the last event id), renders the summary bar and
 * routes between the views by URL hash.
 */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { mountEvents, mountTimeline } from './events-view.js';
import { STATE_ICON } from './format.js';
import { mountHost } from './host-page.js';
import { FILTERS, mountHosts, setFilter } from './hosts-view.js';
import { mountSilences } from './silences-view.js';
import { applyBeats, applyEvent, counts, on, setEvents, setHosts, store } from './store.js';
import { mountSweeps } from './sweeps-view.js';

/** Measurements the load test reads: ms since navigation start / per interaction. */
const perf = { scriptMs: performance.now() };
window.__thump = { perf, store };

const viewEl = document.getElementById('view');
const summaryEl = document.getElementById('summary');
const connEl = document.getElementById('conn');
let current;

function setConn(state, text) {
  connEl.className = `conn conn-${state}`;
  connEl.textContent = text;
}

const CARDS = [
  ['total', 'Hosts', 'all', ''],
  ['up', 'Up', 'up', STATE_ICON.up],
  ['down', 'Down', 'down', STATE_ICON.down],
  ['late', 'Late', 'late', '◔'],
  ['left', 'Left', 'left', STATE_ICON.left],
  ['flapping', 'Flapping', 'flapping', STATE_ICON.flapping],
  ['checks', 'Hardware', 'checks', '!'],
];

function renderSummary() {
  const c = counts();
  replace(
    summaryEl,
    CARDS.map(([key, label, filter, icon]) =>
      h(
        'a',
        {
          class: `stat st-${key}${c[key] > 0 && ['down', 'late', 'flapping', 'checks'].includes(key) ? ' alarm' : ''}`,
          href: '#/',
          dataset: { filter },
          title: `Show ${FILTERS[filter].label.toLowerCase()}`,
          id: `stat-${key}`,
        },
        h('span', { class: 'n' }, String(c[key] ?? 0)),
        h('span', { class: 'l' }, icon ? `${icon} ${label}` : label),
      ),
    ),
  );
}
summaryEl.addEventListener('click', (e) => {
  const a = e.target.closest('a.stat');
  if (!a) return;
  setFilter(a.dataset.filter);
  if (location.hash === '#/' || location.hash === '') route();
});
on('hosts', renderSummary);
on('beats', renderSummary);
setInterval(renderSummary, 5000);

function route() {
  current?.unmount();
  viewEl.replaceChildren();
  const hash = location.hash || '#/';
  const tab = hash.startsWith('#/events')
    ? 'events'
    : hash.startsWith('#/silences')
      ? 'silences'
      : hash.startsWith('#/sweeps')
        ? 'sweeps'
        : 'hosts';
  for (const a of document.querySelectorAll('nav.tabs a')) {
    if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (hash.startsWith('#/host/')) {
    const id = decodeURIComponent(hash.slice('#/host/'.length));
    document.title = `${id} · thump`;
    current = mountHost(viewEl, id);
    return;
  }
  document.title = 'thump';
  if (tab === 'events') current = mountEvents(viewEl);
  else if (tab === 'silences') current = mountSilences(viewEl);
  else if (tab === 'sweeps') current = mountSweeps(viewEl);
  else {
    const main = h('div', { class: 'hosts-main' });
    const side = h('aside', { class: 'side', 'aria-label': 'Recent events' });
    viewEl.append(h('div', { class: 'split' }, main, side));
    const a = mountHosts(main, perf);
    const b = mountTimeline(side);
    current = {
      unmount() {
        a.unmount();
        b.unmount();
      },
    };
  }
}

async function loadAll() {
  // Events first, then hosts: every event up to the newest one fetched is already in the
  // host snapshot, and the stream replays every later one (from store.lastEventId). Fetched
  // the other way round, a host that appeared between the two requests would be missing
  // from the snapshot while its `new` event counted as already seen.
  const events = await api('/api/events?limit=100');
  const hosts = await api('/api/ui/hosts');
  perf.fetchedMs ??= performance.now();
  setHosts(hosts.data);
  setEvents(events.data);
  perf.loadedMs = performance.now();
}

let source;
let retryMs = 1000;
let hadError = false;

/** Opens the live stream; EventSource resends Last-Event-ID itself when it reconnects. */
function connect() {
  source?.close();
  source = new EventSource(`/api/stream?lastEventId=${store.lastEventId}&beatsSince=${store.snapshotAt}`);
  source.addEventListener('open', () => {
    setConn('live', 'live');
    retryMs = 1000;
    if (hadError) {
      hadError = false;
      // Beat data sent while we were away is not replayed: take a fresh snapshot of hosts.
      api('/api/ui/hosts')
        .then((r) => setHosts(r.data))
        .catch(() => {});
    }
  });
  source.addEventListener('event', (m) => {
    const { event, host } = JSON.parse(m.data);
    applyEvent(event, host);
  });
  source.addEventListener('beats', (m) => {
    // A beating host we have no row for (it should not happen, see loadAll): take a fresh
    // snapshot, at most every 5 s.
    if (applyBeats(JSON.parse(m.data)) > 0) refreshHostsSoon();
  });
  source.addEventListener('reset', () => {
    source.close();
    loadAll().then(connect, retry);
  });
  source.addEventListener('error', () => {
    hadError = true;
    setConn('down', 'reconnecting…');
    // CLOSED means the browser gave up (e.g. the server answered an error): retry ourselves.
    if (source.readyState === EventSource.CLOSED) retry();
  });
}

let refreshAt = 0;
function refreshHostsSoon() {
  const t = Date.now();
  if (t < refreshAt) return;
  refreshAt = t + 5000;
  api('/api/ui/hosts')
    .then((r) => setHosts(r.data))
    .catch(() => {});
}

function retry() {
  setConn('down', 'reconnecting…');
  setTimeout(() => {
    loadAll().then(connect, retry);
  }, retryMs);
  retryMs = Math.min(retryMs * 2, 15_000);
}

window.addEventListener('hashchange', route);
// Silences changed on the silences page: the host snapshot carries who is silenced.
window.addEventListener('thump:silences-changed', () => {
  api('/api/ui/hosts')
    .then((r) => setHosts(r.data))
    .catch(() => {});
});

(async () => {
  try {
    await loadAll();
    setConn('connecting', 'connecting…');
  } catch (err) {
    setConn('down', `monitor unreachable: ${err.message}`);
    route();
    retry();
    return;
  }
  let t = performance.now();
  renderSummary();
  perf.summaryMs = performance.now() - t;
  t = performance.now();
  route();
  perf.mountMs = performance.now() - t;
  connect();
})();
