/**
 * One host: facts, hardware checks, labels, its events, and a chart of beat inter-arrival
 * times and lateness (uPlot, loaded only when this page opens).
 */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { eventItem } from './events-view.js';
import { bytes, clockTime, duration, labelsText, pct, SEVERITY_ICON, STATE_ICON } from './format.js';
import { now, on, store } from './store.js';

let uPlotModule;
async function loadUPlot() {
  if (!uPlotModule) {
    if (!document.querySelector('link[data-uplot]')) {
      document.head.append(
        h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css', 'data-uplot': true }),
      );
    }
    uPlotModule = (await import('/vendor/uplot/uPlot.esm.js')).default;
  }
  return uPlotModule;
}

function fact(label, value, extra) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', extra ?? {}, value));
}

export function mountHost(root, id) {
  const title = h('h1', { class: 'host-title' });
  const facts = h('dl', { class: 'facts' });
  const chartBox = h('div', {
    class: 'chart',
    id: 'beat-chart',
    role: 'img',
    'aria-label': 'Beat inter-arrival chart',
  });
  const chartNote = h('p', { class: 'muted chart-note' });
  const checks = h('div', { class: 'checks' });
  const events = h('ol', { class: 'timeline full', 'aria-label': 'Events of this host' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  root.append(
    h('a', { href: '#/', class: 'back' }, '← All hosts'),
    title,
    error,
    h('section', { class: 'card' }, facts),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Beat inter-arrival'),
      h(
        'p',
        { class: 'muted' },
        'Seconds between consecutive beats, and how much later than the announced interval each came.',
      ),
      chartBox,
      chartNote,
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Hardware checks'), checks),
    h('section', { class: 'card' }, h('h2', {}, 'Events'), events),
  );

  let plot;
  let detail;
  let gone = false;

  /** Static facts from the detail request, live ones (state, last beat, load) from the store. */
  function current() {
    const live = store.hosts.get(id);
    if (!detail) return live;
    if (!live) return detail;
    return {
      ...detail,
      state: live.state,
      flapping: live.flapping,
      _beat: live._beat,
      uptimeSeconds: live.uptimeSeconds,
      load: live.load,
      checks: live.checks,
    };
  }

  function renderFacts() {
    const d = current();
    if (!d) return;
    const state = d.flapping ? 'flapping' : d.state;
    const t = now();
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
      fact('State since', d.stateSince ? clockTime(Date.parse(d.stateSince)) : '–'),
      fact('Uptime', d.uptimeSeconds > 0 ? duration(d.uptimeSeconds) : '–'),
      fact('Load 1/5/15', d.load.map((l) => l.toFixed(2)).join(' / ')),
      fact(
        'Memory',
        d.memTotalBytes
          ? `${bytes(d.memTotalBytes - d.memAvailableBytes)} of ${bytes(d.memTotalBytes)} (${pct(d.memTotalBytes - d.memAvailableBytes, d.memTotalBytes)})`
          : '–',
      ),
      fact(
        'Root disk',
        d.diskTotalBytes
          ? `${bytes(d.diskUsedBytes)} of ${bytes(d.diskTotalBytes)} (${pct(d.diskUsedBytes, d.diskTotalBytes)})`
          : '–',
      ),
      fact('Interval / timeout', `${duration(d.intervalMs / 1000)} / ${duration(d.timeoutMs / 1000)}`),
      fact('Boot id · seq', `${d.bootId || '–'} · ${d.seq}`),
      fact('Source', d.source),
      fact('First seen', d.firstSeenAt ? new Date(Date.parse(d.firstSeenAt)).toLocaleString() : '–'),
      fact('Labels', labelsText(d.labels) || '–'),
      fact('Notifications', d.silencedBy ? `silenced (silence #${d.silencedBy})` : 'on'),
    );
  }

  function renderChecks() {
    const list = current()?.checks ?? [];
    replace(
      checks,
      list.length === 0
        ? h('p', { class: 'muted' }, 'This host reports no hardware checks.')
        : h(
            'table',
            { class: 'simple' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, 'Status'), h('th', {}, 'Output'))),
            h(
              'tbody',
              {},
              list.map((c) =>
                h(
                  'tr',
                  {},
                  h('td', {}, c.id),
                  h('td', { class: `sev-${c.severity}` }, `${SEVERITY_ICON[c.severity]} ${c.severity}`),
                  h('td', {}, c.text),
                ),
              ),
            ),
          ),
    );
  }

  async function renderChart() {
    const beats = detail?.beats ?? [];
    const pts = beats.filter((b) => b.gapMs !== null);
    if (pts.length < 2) {
      chartNote.textContent = 'Waiting for more beats to chart…';
    } else {
      chartNote.textContent = `${pts.length} intervals; announced interval ${duration(detail.intervalMs / 1000)}.`;
    }
    const xs = pts.map((b) => Date.parse(b.at) / 1000);
    const data = [
      xs,
      pts.map((b) => b.gapMs / 1000),
      pts.map((b) => b.latenessMs / 1000),
      xs.map(() => detail.intervalMs / 1000),
    ];
    const uPlot = await loadUPlot();
    if (gone) return;
    const width = Math.max(280, chartBox.clientWidth || 600);
    if (!plot) {
      const css = getComputedStyle(document.documentElement);
      const col = (v, d) => css.getPropertyValue(v).trim() || d;
      plot = new uPlot(
        {
          width,
          height: 240,
          scales: { x: { time: true } },
          axes: [
            { stroke: col('--muted', '#666'), grid: { stroke: col('--grid', '#eee') } },
            {
              stroke: col('--muted', '#666'),
              grid: { stroke: col('--grid', '#eee') },
              label: 'seconds',
              size: 60,
            },
          ],
          series: [
            {},
            {
              label: 'Inter-arrival (s)',
              stroke: col('--accent', '#0969da'),
              width: 2,
              points: { show: true, size: 5 },
            },
            { label: 'Lateness (s)', stroke: col('--warn', '#bf8700'), width: 1.5 },
            {
              label: 'Interval (s)',
              stroke: col('--muted', '#888'),
              dash: [6, 4],
              width: 1,
              points: { show: false },
            },
          ],
        },
        data,
        chartBox,
      );
    } else {
      plot.setData(data);
      if (Math.abs(plot.width - width) > 4) plot.setSize({ width, height: 240 });
    }
  }

  async function load() {
    try {
      const { data } = await api(`/api/hosts/${encodeURIComponent(id)}?events=50`);
      if (gone) return;
      detail = data;
      error.hidden = true;
      renderFacts();
      renderChecks();
      replace(
        events,
        data.events.length ? data.events.map(eventItem) : [h('li', { class: 'empty' }, 'No events.')],
      );
      await renderChart();
    } catch (err) {
      if (gone) return;
      error.hidden = false;
      error.textContent = err.status === 404 ? `Unknown host ${id}.` : `Could not load ${id}: ${err.message}`;
    }
  }

  const offHosts = on('hosts', renderFacts);
  const offEvents = on('events', () => {
    if (store.events[0]?.hostId === id) load();
  });
  const ticker = setInterval(renderFacts, 1000);
  // New beats arrive every interval; refresh the chart at a calm pace.
  const poller = setInterval(load, 5000);
  const onResize = () => plot?.setSize({ width: Math.max(280, chartBox.clientWidth), height: 240 });
  window.addEventListener('resize', onResize);
  load();
  return {
    unmount() {
      gone = true;
      offHosts();
      offEvents();
      clearInterval(ticker);
      clearInterval(poller);
      window.removeEventListener('resize', onResize);
      plot?.destroy();
    },
  };
}
