/** Sweep runs and their per-host results (agentless SSH uptime sweeps). */
import { api } from './api.js';
import { h, replace } from './dom.js';
import { clockTime, duration } from './format.js';

function resultRow(r) {
  const ok = r.status === 'ok';
  return h(
    'tr',
    {},
    h('td', { class: 'mono' }, r.target),
    h('td', {}, h('span', { class: `badge s-${ok ? 'up' : 'down'}` }, ok ? '▲ ok' : `▼ ${r.errorClass}`)),
    h('td', {}, ok ? duration(r.uptimeSeconds) : r.message),
    h('td', {}, ok ? [r.load1, r.load5, r.load15].map((l) => l.toFixed(2)).join(' ') : '–'),
    h('td', {}, `${r.durationMs} ms`),
  );
}

function resultsTable(results) {
  return h(
    'table',
    { class: 'simple' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Target', 'Result', 'Uptime / error', 'Load', 'Took'].map((t) => h('th', {}, t)),
      ),
    ),
    h('tbody', {}, results.map(resultRow)),
  );
}

export function mountSweeps(root) {
  const runs = h('div', { class: 'card' });
  const detail = h('div', { class: 'card', hidden: true });
  const agentless = h('div', { class: 'card', hidden: true });
  root.append(h('h1', {}, 'Sweeps'), runs, detail, agentless);

  // Every swept (agentless) host with its latest result: up after an ok probe, down after a failure.
  api('/api/sweep-hosts')
    .then(({ data }) => {
      if (data.length === 0) return;
      agentless.hidden = false;
      replace(
        agentless,
        h('h2', {}, `Agentless hosts (${data.length})`),
        h(
          'table',
          { class: 'simple' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Target', 'State', 'Since', 'Latest result'].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            data.map((x) =>
              h(
                'tr',
                {},
                h('td', { class: 'mono' }, x.target),
                h(
                  'td',
                  {},
                  h('span', { class: `badge s-${x.state}` }, `${x.state === 'up' ? '▲' : '▼'} ${x.state}`),
                ),
                h('td', {}, clockTime(Date.parse(x.stateSince))),
                h(
                  'td',
                  {},
                  x.result.status === 'ok'
                    ? `up ${duration(x.result.uptimeSeconds)}, load ${x.result.load1.toFixed(2)}`
                    : `${x.result.errorClass}: ${x.result.message}`,
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch(() => {});

  async function show(id) {
    try {
      const { data } = await api(`/api/sweeps/${encodeURIComponent(id)}`);
      detail.hidden = false;
      replace(
        detail,
        h('h2', {}, `Run ${data.id}`),
        h('p', { class: 'muted' }, `${data.ok} ok, ${data.failed} failed of ${data.total} (${data.mode})`),
        resultsTable(data.results),
      );
    } catch (err) {
      detail.hidden = false;
      replace(detail, h('p', { class: 'error' }, err.message));
    }
  }

  (async () => {
    try {
      const { data } = await api('/api/sweeps?limit=50');
      if (data.length === 0) {
        replace(
          runs,
          h('p', { class: 'muted' }, 'No sweep results yet. Run '),
          h('pre', {}, 'thump sweep --hosts hosts.txt --db <the monitor db>'),
        );
        return;
      }
      replace(
        runs,
        h(
          'table',
          { class: 'simple' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Started', 'Took', 'Mode', 'Hosts', 'OK', 'Failed', ''].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            data.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, clockTime(Date.parse(r.startedAt))),
                h(
                  'td',
                  {},
                  r.finishedAt
                    ? duration((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)
                    : 'running',
                ),
                h('td', {}, r.mode),
                h('td', {}, String(r.total)),
                h('td', { class: 'sev-ok' }, String(r.ok)),
                h('td', { class: r.failed ? 'sev-critical' : '' }, String(r.failed)),
                h(
                  'td',
                  {},
                  h('button', { type: 'button', class: 'btn small', onclick: () => show(r.id) }, 'Results'),
                ),
              ),
            ),
          ),
        ),
      );
      show(data[0].id);
    } catch (err) {
      replace(runs, h('p', { class: 'error' }, `Could not load sweeps: ${err.message}`));
    }
  })();
  return { unmount() {} };
}
