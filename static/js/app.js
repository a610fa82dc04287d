/**
 * Dashboard entry: starts the live data (live.js), renders the summary bar and routes
 * between the views by URL hash.
 */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { mountEvents, mountTimeline } from './events-view.js';
import { STATE_ICON } from './format.js';
import { mountHost } from './host-page.js';
import { FILTERS, mountHosts, setFilter } from './hosts-view.js';
import { startLive } from './live.js';
import { mountSilences } from './silences-view.js';
import { counts, on, store } from './store.js';
import { mountSweeps } from './sweeps-view.js';

/** Measurements the load test reads: ms since navigation start / per interaction. */
const perf = { scriptMs: performance.now() };
window.__thump = { perf, store };

const viewEl = document.getElementById('view');
const summaryEl = document.getElementById('summary');
const connEl = document.getElementById('conn');
let current;

/** The header's HA role: "active" or "standby · leader mon-b", from /api/info every 10 s. */
const roleEl = document.getElementById('ha-role');
async function refreshRole() {
  try {
    const { data } = await api('/api/info');
    if (!roleEl || typeof data.role !== 'string') return;
    const who = data.monitorId ? `${data.monitorId}: ` : '';
    const leader = data.role === 'standby' ? ` · leader ${data.leader || 'none'}` : '';
    roleEl.textContent = `${who}${data.role}${leader}`;
    roleEl.className = `ha-role ha-${data.role}`;
    roleEl.hidden = false;
  } catch {
    // The banner reports API failures; the role keeps its last value.
  }
}
void refreshRole();
setInterval(refreshRole, 10_000);

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
        // Before the first snapshot there is no count to show: "0" would say "no hosts".
        h('span', { class: 'n' }, store.loaded ? String(c[key] ?? 0) : '–'),
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

window.addEventListener('hashchange', route);

startLive(perf, setConn, () => {
  let t = performance.now();
  renderSummary();
  perf.summaryMs = performance.now() - t;
  t = performance.now();
  route();
  perf.mountMs = performance.now() - t;
});
