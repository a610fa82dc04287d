/**
 * The virtualised host table: a header of sort buttons and a scrolling viewport in which
 * rows from the row pool are positioned over a spacer as tall as the whole list.
 */
import { h } from './dom.js';
import { COLUMNS } from './host-columns.js';
import { fillRow, rowPool } from './row-pool.js';
import { now } from './store.js';

const ROW_H = 38;
const OVERSCAN = 8;

/** Builds the table; `onSort(key)` runs when a column header is clicked. */
export function hostsTable(onSort) {
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
  // .table-scroll scrolls sideways on narrow screens, head and rows together.
  const el = h(
    'div',
    { class: 'table hosts', role: 'table', 'aria-label': 'Hosts', 'aria-rowcount': 0 },
    h('div', { class: 'table-scroll' }, head, viewport),
  );
  const pool = rowPool(body);
  let list = [];

  head.addEventListener('click', (e) => {
    const btn = e.target.closest('button.sort');
    if (btn) onSort(btn.dataset.key);
  });

  /** Paints the rows in view (plus overscan) from the current list. */
  function renderRows() {
    const t = now();
    const height = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - OVERSCAN);
    const n = Math.ceil(height / ROW_H) + OVERSCAN * 2;
    pool.grow(n);
    for (let i = 0; i < pool.rows.length; i++) {
      const r = pool.rows[i];
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

  let scrollFrame = 0;
  viewport.addEventListener('scroll', () => {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      renderRows();
    });
  });

  return {
    el,
    viewport,
    renderRows,
    tickAges: (t, lookup) => pool.tickAges(t, lookup),
    /** Shows `hosts` (already filtered and sorted), marking the column sorted by `sort`/`dir`. */
    setList(hosts, sort, dir) {
      list = hosts;
      spacer.style.height = `${list.length * ROW_H}px`;
      el.setAttribute('aria-rowcount', String(list.length + 1));
      for (const c of headCells) {
        const key = c.firstChild.dataset.key;
        const order = dir === 1 ? 'ascending' : 'descending';
        c.setAttribute('aria-sort', key === sort ? order : 'none');
        c.firstChild.lastChild.textContent = key === sort ? (dir === 1 ? ' ↑' : ' ↓') : '';
      }
    },
  };
}
