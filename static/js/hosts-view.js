/**
 * The hosts page: search, state filter and sortable columns over the virtualised table
 * (hosts-table.js, row-pool.js), so 10,000 hosts scroll and filter as smoothly as 10.
 * Ages tick every second without re-rendering the table.
 */
import { h } from './dom.js';
import { FILTERS, SORTERS, stateKey } from './host-columns.js';
import { hostsTable } from './hosts-table.js';
import { now, on, store } from './store.js';

export { FILTERS } from './host-columns.js';

/** View state survives navigation to a host page and back. */
const view = { q: '', filter: 'all', sort: 'state', dir: 1, scrollTop: 0 };

export function setFilter(name) {
  view.filter = FILTERS[name] ? name : 'all';
}

function toolbar() {
  const search = h('input', {
    type: 'search',
    placeholder: 'Search hosts, addresses, labels…',
    'aria-label': 'Search hosts',
    value: view.q,
    class: 'search',
    id: 'host-search',
  });
  const select = h(
    'select',
    { 'aria-label': 'Filter by state', class: 'filter', id: 'host-filter' },
    Object.entries(FILTERS).map(([k, f]) => h('option', { value: k, selected: k === view.filter }, f.label)),
  );
  const count = h('span', { class: 'count', 'aria-live': 'polite', id: 'host-count' });
  return { search, select, count, el: h('div', { class: 'toolbar' }, search, select, count) };
}

/** The hosts matching the view's search and filter, sorted; `_k` set for the state sort. */
function visibleHosts(perf) {
  const t0 = performance.now();
  const q = view.q.trim().toLowerCase();
  const test = FILTERS[view.filter].test;
  const t = now();
  const list = [];
  for (const host of store.hosts.values()) {
    if (q && !host._search.includes(q)) continue;
    if (!test(host, t)) continue;
    host._k = stateKey(host);
    list.push(host);
  }
  const tSort = performance.now();
  const cmp = SORTERS[view.sort];
  list.sort(view.dir === 1 ? cmp : (a, b) => cmp(b, a));
  perf.lastSortMs = performance.now() - tSort;
  perf.lastFilterLoopMs = tSort - t0;
  return list;
}

/** "12 hosts", "3 of 12 hosts", or "no data" before the monitor first answered. */
function countText(shown) {
  if (!store.loaded) return 'no data yet';
  return shown === store.hosts.size ? `${shown} hosts` : `${shown} of ${store.hosts.size} hosts`;
}

export function mountHosts(root, perf) {
  const bar = toolbar();
  const table = hostsTable((key) => {
    view.dir = view.sort === key ? -view.dir : 1;
    view.sort = key;
    measured('sortMs');
  });
  const empty = h('p', { class: 'empty', hidden: true });
  root.append(bar.el, table.el, empty);
  let renderedVersion = -1;

  /** Filter, sort, size the scroll area and paint the visible rows. */
  function refresh() {
    const t0 = performance.now();
    const list = visibleHosts(perf);
    renderedVersion = store.version;
    table.setList(list, view.sort, view.dir);
    bar.count.textContent = countText(list.length);
    empty.textContent = store.loaded ? 'No host matches.' : 'No host data: the monitor has not answered yet.';
    empty.hidden = store.loaded ? list.length > 0 || store.hosts.size === 0 : false;
    const tRows = performance.now();
    table.renderRows();
    perf.lastRowsMs = performance.now() - tRows;
    if (perf.firstRenderMs === undefined && list.length > 0) {
      perf.firstRenderMs = -1;
      // performance.now() counts from navigation start: this is "page opened -> rows painted".
      requestAnimationFrame(() => {
        perf.firstRenderMs = performance.now();
      });
    }
    return performance.now() - t0;
  }

  /** Measures an interaction from input to the next painted frame (for the load test). */
  function measured(kind) {
    const t0 = performance.now();
    refresh();
    requestAnimationFrame(() => {
      perf[kind] = performance.now() - t0;
      perf[`${kind}Count`] = (perf[`${kind}Count`] ?? 0) + 1;
    });
  }

  bar.search.addEventListener('input', () => {
    view.q = bar.search.value;
    table.viewport.scrollTop = 0;
    measured('filterMs');
  });
  bar.select.addEventListener('change', () => {
    view.filter = bar.select.value;
    table.viewport.scrollTop = 0;
    measured('filterMs');
  });
  table.viewport.addEventListener('scroll', () => {
    view.scrollTop = table.viewport.scrollTop;
  });
  const onResize = () => table.renderRows();
  window.addEventListener('resize', onResize);

  const offHosts = on('hosts', () => {
    if (store.version !== renderedVersion) refresh();
    else table.renderRows();
  });
  // Beat data changes values in place; re-sort only when the order depends on them.
  const offBeats = on('beats', () =>
    ['age', 'uptime', 'load'].includes(view.sort) ? refresh() : table.renderRows(),
  );
  const ticker = setInterval(() => table.tickAges(now(), (id) => store.hosts.get(id)), 1000);

  refresh();
  table.viewport.scrollTop = view.scrollTop;
  table.renderRows();

  return {
    refresh,
    unmount() {
      offHosts();
      offBeats();
      clearInterval(ticker);
      window.removeEventListener('resize', onResize);
    },
  };
}
