/** The host page's title, facts list and hardware-check table, rendered from one host. */
import { h, replace } from './dom.js';
import {
  bytes,
  clockTime,
  duration,
  fullTime,
  labelsText,
  pct,
  SEVERITY_ICON,
  STATE_ICON,
} from './format.js';

function fact(label, value, extra) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', extra ?? {}, value));
}

/** A time fact: 24-hour like every other time, the full date in the tooltip. */
function timeFact(label, iso) {
  const ms = iso ? Date.parse(iso) : 0;
  return fact(label, ms ? clockTime(ms) : '–', ms ? { title: fullTime(ms) } : undefined);
}

const used = (part, whole) => `${bytes(part)} of ${bytes(whole)} (${pct(part, whole)})`;

/** Fills `title` and `facts` from host `d` (detail merged with live data) at time `t`. */
export function renderFacts(title, facts, d, t) {
  const state = d.flapping ? 'flapping' : d.state;
  const beat = d._beat ?? (d.lastBeatAt ? Date.parse(d.lastBeatAt) : 0);
  const late = d.state === 'up' && beat > 0 && t - beat > d.intervalMs * 1.5;
  replace(title, h('span', { class: `badge big s-${state}` }, `${STATE_ICON[state]} ${state}`), ' ', d.id);
  replace(
    facts,
    fact('Address', d.address),
    fact('Last beat', beat ? `${duration((t - beat) / 1000)} ago${late ? ' · late' : ''}` : 'never', {
      class: late ? 'late' : '',
      id: 'host-age',
    }),
    timeFact('State since', d.stateSince),
    fact('Uptime', d.uptimeSeconds > 0 ? duration(d.uptimeSeconds) : '–'),
    fact('Load 1/5/15', d.load.map((l) => l.toFixed(2)).join(' / ')),
    fact('Memory', d.memTotalBytes ? used(d.memTotalBytes - d.memAvailableBytes, d.memTotalBytes) : '–'),
    fact('Root disk', d.diskTotalBytes ? used(d.diskUsedBytes, d.diskTotalBytes) : '–'),
    fact('Interval / timeout', `${duration(d.intervalMs / 1000)} / ${duration(d.timeoutMs / 1000)}`),
    fact('Boot id · seq', `${d.bootId || '–'} · ${d.seq}`),
    fact('Source', d.source),
    timeFact('First seen', d.firstSeenAt),
    fact('Labels', labelsText(d.labels) || '–'),
    fact('Notifications', d.silencedBy ? `silenced (silence #${d.silencedBy})` : 'on'),
  );
}

/** The hardware checks as a table (or a note that there are none). */
export function renderChecks(el, list) {
  if (list.length === 0) {
    replace(el, h('p', { class: 'muted' }, 'This host reports no hardware checks.'));
    return;
  }
  const row = (c) =>
    h(
      'tr',
      {},
      h('td', {}, c.id),
      h('td', { class: `sev-${c.severity}` }, `${SEVERITY_ICON[c.severity]} ${c.severity}`),
      h('td', {}, c.text),
    );
  replace(
    el,
    h(
      'table',
      { class: 'simple' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, 'Status'), h('th', {}, 'Output'))),
      h('tbody', {}, list.map(row)),
    ),
  );
}
