/** Silences (maintenance windows): list, add and remove. Writes need the API token. */
import { api, setToken, token } from './api.js';
import { h, replace } from './dom.js';
import { clockTime, duration } from './format.js';

export function mountSilences(root) {
  const list = h('div', { class: 'card' });
  const msg = h('p', { role: 'status', class: 'muted' });
  const hostIn = h('input', {
    name: 'host',
    required: true,
    placeholder: 'web-* or db-1',
    'aria-label': 'Host or glob',
  });
  const forIn = h('input', {
    name: 'for',
    value: '2h',
    placeholder: '2h',
    'aria-label': 'Duration',
    size: 6,
  });
  const comment = h('input', { name: 'comment', placeholder: 'Why (optional)', 'aria-label': 'Comment' });
  const tokenIn = h('input', {
    name: 'token',
    type: 'password',
    value: token(),
    placeholder: 'API token',
    'aria-label': 'API token',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'card form' },
    h('h2', {}, 'Add a silence'),
    h(
      'div',
      { class: 'fields' },
      h('label', {}, 'Hosts ', hostIn),
      h('label', {}, 'For ', forIn),
      h('label', { class: 'grow' }, 'Comment ', comment),
    ),
    h(
      'div',
      { class: 'fields' },
      h('label', { class: 'grow' }, 'Token ', tokenIn),
      h('button', { type: 'submit', class: 'btn primary' }, 'Silence'),
    ),
    h(
      'p',
      { class: 'muted small' },
      'The token is in the file printed when the monitor started (kept in this browser only).',
    ),
    msg,
  );
  root.append(h('h1', {}, 'Silences'), form, list);

  async function load() {
    try {
      const { data } = await api('/api/silences?all=1');
      replace(
        list,
        data.length === 0
          ? h('p', { class: 'muted' }, 'No silences.')
          : h(
              'table',
              { class: 'simple' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Hosts', 'State', 'From', 'Until', 'Comment', 'By', ''].map((t) => h('th', {}, t)),
                ),
              ),
              h(
                'tbody',
                {},
                data.map((s) =>
                  h(
                    'tr',
                    { class: `sil-${s.state}` },
                    h('td', { class: 'mono' }, s.hostGlob),
                    h(
                      'td',
                      {},
                      h('span', { class: `tag t-${s.state === 'active' ? 'warn' : 'muted'}` }, s.state),
                    ),
                    h('td', {}, clockTime(Date.parse(s.startsAt))),
                    h(
                      'td',
                      {},
                      s.cron
                        ? `cron ${s.cron} for ${duration((s.durationMs ?? 0) / 1000)}`
                        : s.endsAt
                          ? clockTime(Date.parse(s.endsAt))
                          : 'until removed',
                    ),
                    h('td', {}, s.comment),
                    h('td', {}, s.origin === 'config' ? 'config file' : s.createdBy),
                    h(
                      'td',
                      {},
                      s.origin === 'api' && s.state !== 'expired'
                        ? h(
                            'button',
                            { type: 'button', class: 'btn small', onclick: () => remove(s.id) },
                            'Remove',
                          )
                        : '',
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (err) {
      replace(list, h('p', { class: 'error' }, `Could not load silences: ${err.message}`));
    }
  }

  async function remove(id) {
    setToken(tokenIn.value.trim());
    try {
      await api(`/api/silences/${id}`, { method: 'DELETE', auth: true });
      msg.textContent = `Silence ${id} removed.`;
      window.dispatchEvent(new Event('thump:silences-changed'));
      load();
    } catch (err) {
      msg.textContent = err.message;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setToken(tokenIn.value.trim());
    try {
      const body = { host: hostIn.value.trim(), for: forIn.value.trim(), createdBy: 'dashboard' };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const { data } = await api('/api/silences', { method: 'POST', body, auth: true });
      msg.textContent = `Silenced ${data.hostGlob} until ${clockTime(Date.parse(data.endsAt))}.`;
      window.dispatchEvent(new Event('thump:silences-changed'));
      hostIn.value = '';
      comment.value = '';
      load();
    } catch (err) {
      msg.textContent = err.message;
    }
  });
  load();
  return { unmount() {} };
}
