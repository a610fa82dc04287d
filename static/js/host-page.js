/**
 * One host: facts, hardware checks, labels, its events, and a chart of beat inter-arrival
 * times and lateness. This file lays the page out and keeps it fresh; host-facts.js and
 * beat-chart.js draw the parts.
 */
import { api } from './api.js';
import { beatChart } from './beat-chart.js';
import { h, replace } from './dom.js';
import { eventItem } from './events-view.js';
import { renderChecks, renderFacts } from './host-facts.js';
import { now, on, store } from './store.js';

/** The page's empty skeleton: the elements the render steps fill. */
function layout(root) {
  const el = {
    title: h('h1', { class: 'host-title' }),
    facts: h('dl', { class: 'facts' }),
    chartBox: h('div', {
      class: 'chart',
      id: 'beat-chart',
      role: 'img',
      'aria-label': 'Beat inter-arrival chart',
    }),
    chartNote: h('p', { class: 'muted chart-note' }),
    checks: h('div', { class: 'checks' }),
    events: h('ol', { class: 'timeline full', 'aria-label': 'Events of this host' }),
    error: h('p', { class: 'error', role: 'alert', hidden: true }),
  };
  root.append(
    h('a', { href: '#/', class: 'back' }, '← All hosts'),
    el.title,
    el.error,
    h('section', { class: 'card' }, el.facts),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Beat inter-arrival'),
      h(
        'p',
        { class: 'muted' },
        'Seconds between consecutive beats, and how much later than the announced interval each came.',
      ),
      el.chartBox,
      el.chartNote,
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Hardware checks'), el.checks),
    h('section', { class: 'card' }, h('h2', {}, 'Events'), el.events),
  );
  return el;
}

/** Static facts from the detail request, live ones (state, last beat, load) from the store. */
function merged(detail, live) {
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

export function mountHost(root, id) {
  const el = layout(root);
  const chart = beatChart(el.chartBox, el.chartNote);
  let detail;
  let gone = false;
  const current = () => merged(detail, store.hosts.get(id));

  function refreshFacts() {
    const d = current();
    if (d) renderFacts(el.title, el.facts, d, now());
  }

  async function load() {
    try {
      const { data } = await api(`/api/hosts/${encodeURIComponent(id)}?events=50`);
      if (gone) return;
      detail = data;
      el.error.hidden = true;
      refreshFacts();
      renderChecks(el.checks, current()?.checks ?? []);
      replace(
        el.events,
        data.events.length ? data.events.map(eventItem) : [h('li', { class: 'empty' }, 'No events.')],
      );
      await chart.update(detail);
    } catch (err) {
      if (gone) return;
      el.error.hidden = false;
      el.error.textContent =
        err.status === 404 ? `Unknown host ${id}.` : `Could not load ${id}: ${err.message}`;
    }
  }

  const offHosts = on('hosts', refreshFacts);
  const offEvents = on('events', () => {
    if (store.latestEvent?.hostId === id) load();
  });
  const ticker = setInterval(refreshFacts, 1000);
  // New beats arrive every interval; refresh the chart at a calm pace.
  const poller = setInterval(load, 5000);
  const onResize = () => chart.resize();
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
      chart.destroy();
    },
  };
}
