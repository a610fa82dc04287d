/**
 * The host table's recycled DOM rows: only as many rows as fit the viewport exist, and
 * each is refilled in place with whichever host scrolls into its slot.
 */
import { h } from './dom.js';
import { duration, labelsText, SEVERITY_ICON, STATE_ICON } from './format.js';
import { COLUMNS } from './host-columns.js';
import { isLate } from './store.js';

const BELL_SLASH =
  '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 2a4 4 0 0 0-4 4v3l-1.5 2h11L12 9V6a4 4 0 0 0-4-4zM6.5 13a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M2 2l12 12" stroke="currentColor" stroke-width="1.6"/></svg>';

function makeRow(parent) {
  const cells = COLUMNS.map((c) => h('div', { class: `c ${c.cls}`, role: 'cell' }));
  const badge = h('span', { class: 'badge' });
  const mute = h('span', { class: 'mute', hidden: true, role: 'img' });
  // A bell with a slash, drawn (emoji fonts are not on every machine). Constant markup.
  mute.innerHTML = BELL_SLASH;
  cells[0].append(badge, mute);
  const link = h('a', {});
  cells[1].append(link);
  const row = h('div', { class: 'row', role: 'row' }, cells);
  parent.append(row);
  return { row, cells, badge, mute, link, hostId: undefined };
}

/** "5s ago" (or "never"), marked late when beats are overdue. */
export function fillAge(r, host, t) {
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

function checksText(host) {
  const bad = host.checks?.filter((c) => c.severity !== 'ok') ?? [];
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` +${bad.length - 1}` : '';
    return `${SEVERITY_ICON[host.checkStatus]} ${bad[0].id} ${bad[0].severity}${more}`;
  }
  return host.checks?.length ? `${SEVERITY_ICON.ok} ok (${host.checks.length})` : '–';
}

/** Writes `host` into row `r` at time `t`. */
export function fillRow(r, host, t) {
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
  r.cells[6].className = `c c-checks sev-${host.checkStatus}`;
  r.cells[6].textContent = checksText(host);
  r.cells[6].title = (host.checks ?? []).map((c) => `${c.id}: ${c.severity} ${c.text}`).join('\n');
  const labels = labelsText(host.labels);
  r.cells[7].textContent = labels;
  r.cells[7].title = labels;
}

/** A pool of rows appended to `parent`, grown on demand and never shrunk. */
export function rowPool(parent) {
  const rows = [];
  return {
    rows,
    /** Makes sure at least `n` rows exist. */
    grow(n) {
      while (rows.length < n) rows.push(makeRow(parent));
    },
    /** Re-renders only the ages of the rows in use (every second, without a full refresh). */
    tickAges(t, lookup) {
      for (const r of rows) {
        if (r.hostId === undefined) continue;
        const host = lookup(r.hostId);
        if (host) fillAge(r, host, t);
      }
    },
  };
}
