/**
 * Says whether what the dashboard shows is current. When the monitor's API or live stream
 * fails, a banner names what failed, the status, and when it last worked; the last good
 * data stays on screen, greyed out (`body.stale`), instead of turning into an empty fleet.
 */
import { h, replace } from './dom.js';
import { clockTime, duration } from './format.js';

/** `failures`: what -> its latest failure ("Monitor API", "Live updates" fail and recover apart). */
const state = { lastOkAt: 0, failures: new Map() };
let timer = 0;

/** Browser time (ms) of the last successful answer from the monitor; 0 before the first. */
export function lastOkAt() {
  return state.lastOkAt;
}

/** `what` answered: clears its failure (the banner goes when nothing else is failing). */
export function reportOk(what) {
  state.lastOkAt = Date.now();
  if (state.failures.delete(what)) render();
}

/**
 * `what` ("Monitor API", "Live updates") failed with `err` (`status`: the HTTP status when
 * there was an answer; `message`: the API's error or the network's).
 */
export function reportFailure(what, err) {
  // fetch() rejects with a TypeError when no answer came at all (refused, reset, offline).
  const status = err?.status ? `HTTP ${err.status}` : err instanceof TypeError ? 'no answer' : '';
  state.failures.set(what, { what, status, message: err?.message ?? String(err) });
  render();
}

function render() {
  const el = document.getElementById('banner');
  // The most telling failure first: one with an HTTP status beats "the stream broke off".
  const all = [...state.failures.values()].sort((a, b) => (b.status ? 1 : 0) - (a.status ? 1 : 0));
  const f = all[0];
  document.body.classList.toggle('stale', f !== undefined);
  if (!f) {
    el.hidden = true;
    clearInterval(timer);
    timer = 0;
    return;
  }
  const ok = state.lastOkAt;
  replace(
    el,
    h('strong', { class: 'b-what' }, `${f.what} failing: `),
    h(
      'span',
      { class: 'b-status' },
      f.status && f.message !== f.status ? `${f.status} (${f.message})` : f.message,
    ),
    ' · ',
    h(
      'span',
      { class: 'b-when' },
      ok
        ? `last worked at ${clockTime(ok)} (${duration((Date.now() - ok) / 1000)} ago); showing the data from then, greyed out.`
        : 'nothing received since this page opened.',
    ),
    all.length > 1
      ? ` Also failing: ${all
          .slice(1)
          .map((x) => x.what)
          .join(', ')}.`
      : '',
    ' Retrying…',
  );
  el.hidden = false;
  // Keep "N s ago" honest while the failure lasts.
  if (!timer) timer = setInterval(render, 1000);
}
