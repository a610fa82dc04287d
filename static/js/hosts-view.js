/**
 * The host table: search, state filter, sortable columns, and virtualised rows (only the
 * rows in view exist in the DOM, recycled on scroll), so 10,000 hosts scroll and filter
 * as smoothly as 10. Ages tick every second without re-rendering the table.
 */
import { h } from './dom.js';
import { duration, labelsText, SEVERITY_ICON, STATE_ICON, STATE_RANK } from './format.js';
import { isLate, now, on, store } from './store.js';

const ROW_H = 38;
const BELL_SLASH =
  '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 2a4 4 0 0 0-4 4v3l-1.5 2h11L12 9V6a4 4 0 0 0-4-4zM6.5 13a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M2 2l12 12" stroke="currentColor" stroke-width="1.6"/></svg>';
const OVERSCAN = 8;

const COLUMNS = [
  { key: 'state', label: 'State', cls: 'c-state' },
  { key: 'id', label: 'Host', cls: 'c-id' },
  { key: 'address', label: 'Address', cls: 'c-addr' },
  { key: 'age', label: 'Last beat', cls: 'c-age' },
  { key: 'uptime', label: 'Uptime', cls: 'c-up' },
  { key: 'load', label: 'Load', cls: 'c-load' },
  { key: 'checks', label: 'Hardware', cls: 'c-checks' },
  { key: 'labels', label: 'Labels', cls: 'c-labels' },
];

const SEV_RANK = { critical: 0, warning: 1, unknown: 2, ok: 3 };

const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Sort key for the state column, computed once per refresh: most alarming first. */
const stateKey = (h) => (h.flapping ? 1 : (STATE_RANK[h.state] ?? 9)) * 4 + SEV_RANK[h.checkStatus];
const SORTERS = {
  state: (a, b) => a._k - b._k || byId(a, b),
  id: byId,
  address: (a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0) || byId(a, b),
  age: (a, b) => b._beat - a._beat || byId(a, b),
  uptime: (a, b) => a.uptimeSeconds - b.uptimeSeconds || byId(a, b),
  load: (a, b) => b.load[0] - a.load[0] || byId(a, b),
  checks: (a, b) => SEV_RANK[a.checkStatus] - SEV_RANK[b.checkStatus] || byId(a, b),
  labels: (a, b) => {
    const x = labelsText(a.labels);
    const y = labelsText(b.labels);
    return x < y ? -1 : x > y ? 1 : byId(a, b);
  },
};

/** Filters offered in the state select (and by the summary cards). */
export const FILTERS = {
  all: { label: 'All states', test: () => true },
  problems: {
    label: 'Problems',
    test: (h, t) =>
      h.state === 'down' || h.flapping || h.checkStatus !== 'ok' || (h.state === 'up' && isLate(h, t)),
  },
  up: { label: 'Up', test: (h) => h.state === 'up' },
  down: { label: 'Down', test: (h) => h.state === 'down' },
  left: { label: 'Left', test: (h) => h.state === 'left' },
  late: { label: 'Late beats', test: (h, t) => h.state === 'up' && isLate(h, t) },
  flapping: { label: 'Flapping', test: (h) => h.flapping },
  silenced: { label: 'Silenced', test: (h) => h.silencedBy !== null },
  checks: { label: 'Hardware failing', test: (h) => h.checkStatus !== 'ok' },
};

/** View state survives navigation to a host page and back. */
const view = { q: '', filter: 'all', sort: 'state', dir: 1, scrollTop: 0 };

export function setFilter(name) {
  view.filter = FILTERS[name] ? name : 'all';
}

export function mountHosts(root, perf) {
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
  const headCells = COLUMNS.map((c) =>
    h(
      'div',
      { class: `c ${c.cls}`, role: 'columnheader' },
      h(
        'button',
        { type: 'button', class: 'sort', dataset: { key: c.key } },
        c.label,
        h('span', { class: 'arrow' }),
      ),
    ),
  );
  const head = h('div', { class: 'row head', role: 'row' }, headCells);
  const spacer = h('div', { class: 'spacer' });
  const body = h('div', { class: 'rows', role: 'rowgroup' }, spacer);
  const viewport = h('div', { class: 'viewport', tabindex: '0', 'aria-label': 'Hosts' }, body);
  const empty = h('p', { class: 'empty', hidden: true }, 'No host matches.');
  const table = h(
    'div',
    { class: 'table hosts', role: 'table', 'aria-label': 'Hosts', 'aria-rowcount': 0 },
    head,
    viewport,
  );
  root.append(h('div', { class: 'toolbar' }, search, select, count), table, empty);

  let list = [];
  let renderedVersion = -1;
  const pool = [];

  function makeRow() {
    const cells = COLUMNS.map((c) => h('div', { class: `c ${c.cls}`, role: 'cell' }));
    const badge = h('span', { class: 'badge' });
    const mute = h('span', { class: 'mute', hidden: true, role: 'img' });
    // A bell with a slash, drawn (emoji fonts are not on every machine). Constant markup.
    mute.innerHTML = BELL_SLASH;
    cells[0].append(badge, mute);
    const link = h('a', {});
    cells[1].append(link);
    const row = h('div', { class: 'row', role: 'row' }, cells);
    body.append(row);
    return { row, cells, badge, mute, link, hostId: undefined };
  }

  function fillRow(r, host, t) {
    r.hostId = host.id;
    const state = host.flapping ? 'flapping' : host.state;
    r.badge.className = `badge s-${state}`;
    r.badge.textContent = `${STATE_ICON[state] ?? '?'} ${state}`;
    r.mute.hidden = host.silencedBy === null || host.silencedBy === undefined;
    if (!r.mute.hidden) {
      r.mute.title = `silenced (silence #${host.silencedBy}): events are recorded, not notified`;
      r.mute.setAttribute('aria-label', 'silenced');
    }
    r.link.textContent = host.id;
    r.link.href = `#/host/${encodeURIComponent(host.id)}`;
    // Agentless hosts from a sweep say so beside the address; a failed probe's reason in the tooltip.
    r.cells[2].textContent = host.source === 'sweep' ? `${host.address} · sweep` : host.address;
    r.cells[2].title =
      host.source === 'sweep' ? `source: sweep${host.sweepError ? `\n${host.sweepError}` : ''}` : '';
    fillAge(r, host, t);
    r.cells[4].textContent = host.uptimeSeconds > 0 ? duration(host.uptimeSeconds) : '–';
    r.cells[5].textContent = host.load.map((l) => l.toFixed(2)).join(' ');
    const bad = host.checks?.filter((c) => c.severity !== 'ok') ?? [];
    const sev = host.checkStatus;
    r.cells[6].className = `c c-checks sev-${sev}`;
    r.cells[6].textContent =
      bad.length === 0
        ? host.checks?.length
          ? `${SEVERITY_ICON.ok} ok (${host.checks.length})`
          : '–'
        : `${SEVERITY_ICON[sev]} ${bad[0].id} ${bad[0].severity}${bad.length > 1 ? ` +${bad.length - 1}` : ''}`;
    r.cells[6].title = (host.checks ?? []).map((c) => `${c.id}: ${c.severity} ${c.text}`).join('\n');
    const labels = labelsText(host.labels);
    r.cells[7].textContent = labels;
    r.cells[7].title = labels;
  }

  function fillAge(r, host, t) {
    const cell = r.cells[3];
    if (!host._beat) {
      cell.textContent = 'never';
      return;
    }
    const late = host.state === 'up' && isLate(host, t);
    // Late: an icon and the word (for screen readers and the tooltip), not colour alone.
    cell.textContent = `${late ? '◔ ' : ''}${duration((t - host._beat) / 1000)} ago`;
    cell.className = `c c-age${late ? ' late' : ''}`;
    cell.title = late ? 'late: beats are overdue' : '';
    if (late) cell.setAttribute('aria-label', `${cell.textContent.slice(2)}, late`);
    else cell.removeAttribute('aria-label');
  }

  function renderRows() {
    const t = now();
    const height = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - OVERSCAN);
    const n = Math.ceil(height / ROW_H) + OVERSCAN * 2;
    while (pool.length < n) pool.push(makeRow());
    for (let i = 0; i < pool.length; i++) {
      const r = pool[i];
      const idx = first + i;
      const host = list[idx];
      if (i >= n || !host) {
        r.row.hidden = true;
        r.hostId = undefined;
        continue;
      }
      r.row.hidden = false;
      r.row.style.transform = `translateY(${idx * ROW_H}px)`;
      r.row.setAttribute('aria-rowindex', String(idx + 2));
      fillRow(r, host, t);
    }
  }

  function tickAges() {
    const t = now();
    for (const r of pool) {
      if (r.hostId === undefined) continue;
      const host = store.hosts.get(r.hostId);
      if (host) fillAge(r, host, t);
    }
  }

  /** Filter, sort, size the scroll area and paint the visible rows. */
  function refresh() {
    const t0 = performance.now();
    const q = view.q.trim().toLowerCase();
    const test = FILTERS[view.filter].test;
    const t = now();
    list = [];
    for (const host of store.hosts.values()) {
      if (q && !host._search.includes(q)) continue;
      if (!test(host, t)) continue;
      host._k = stateKey(host);
      list.push(host);
    }
    renderedVersion = store.version;
    const tSort = performance.now();
    const cmp = SORTERS[view.sort];
    list.sort(view.dir === 1 ? cmp : (a, b) => cmp(b, a));
    perf.lastSortMs = performance.now() - tSort;
    perf.lastFilterLoopMs = tSort - t0;
    spacer.style.height = `${list.length * ROW_H}px`;
    table.setAttribute('aria-rowcount', String(list.length + 1));
    count.textContent =
      list.length === store.hosts.size
        ? `${list.length} hosts`
        : `${list.length} of ${store.hosts.size} hosts`;
    empty.hidden = list.length > 0 || store.hosts.size === 0;
    for (const c of headCells) {
      const key = c.firstChild.dataset.key;
      c.setAttribute('aria-sort', key === view.sort ? (view.dir === 1 ? 'ascending' : 'descending') : 'none');
      c.firstChild.lastChild.textContent = key === view.sort ? (view.dir === 1 ? ' ↑' : ' ↓') : '';
    }
    const tRows = performance.now();
    renderRows();
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

  search.addEventListener('input', () => {
    view.q = search.value;
    viewport.scrollTop = 0;
    measured('filterMs');
  });
  select.addEventListener('change', () => {
    view.filter = select.value;
    viewport.scrollTop = 0;
    measured('filterMs');
  });
  head.addEventListener('click', (e) => {
    const btn = e.target.closest('button.sort');
    if (!btn) return;
    const key = btn.dataset.key;
    view.dir = view.sort === key ? -view.dir : 1;
    view.sort = key;
    measured('sortMs');
  });
  let scrollFrame = 0;
  viewport.addEventListener('scroll', () => {
    view.scrollTop = viewport.scrollTop;
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      renderRows();
    });
  });
  const onResize = () => renderRows();
  window.addEventListener('resize', onResize);

  const offHosts = on('hosts', () => {
    if (store.version !== renderedVersion) refresh();
    else renderRows();
  });
  // Beat data changes values in place; re-sort only when the order depends on them.
  const offBeats = on('beats', () =>
    ['age', 'uptime', 'load'].includes(view.sort) ? refresh() : renderRows(),
  );
  const ticker = setInterval(tickAges, 1000);

  refresh();
  viewport.scrollTop = view.scrollTop;
  renderRows();

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
