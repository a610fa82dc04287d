/**
 * Keeps the store current: loads the meta lists, recent events and the host snapshot,
 * then follows the Server-Sent Events stream (reconnecting and catching up from the last
 * event id). Every success and failure is reported to health.js, which shows the banner.
 */
import { api } from './api.js';
import { reportFailure, reportOk } from './health.js';
import { loadMeta } from './meta.js';
import { applyBeats, applyEvent, setEvents, setHosts, store } from './store.js';

const API = 'Monitor API';
const STREAM = 'Live updates';
let perf = {};
let source;
let retryMs = 1000;
let hadError = false;
let setConn = () => {};

async function loadAll() {
  // Events first, then hosts: every event up to the newest one fetched is already in the
  // host snapshot, and the stream replays every later one (from store.lastEventId). Fetched
  // the other way round, a host that appeared between the two requests would be missing
  // from the snapshot while its `new` event counted as already seen.
  const [, events] = await Promise.all([loadMeta(), api('/api/events?limit=100')]);
  const hosts = await api('/api/ui/hosts');
  perf.fetchedMs ??= performance.now();
  setHosts(hosts.data);
  setEvents(events.data);
  perf.loadedMs = performance.now();
  reportOk(API);
}

/** A fresh host snapshot (after a reconnect, or when the stream names a host we lack). */
function refreshHosts() {
  api('/api/ui/hosts')
    .then((r) => {
      setHosts(r.data);
      reportOk(API);
    })
    .catch((err) => reportFailure(API, err));
}

/** Opens the live stream; EventSource resends Last-Event-ID itself when it reconnects. */
function connect() {
  source?.close();
  source = new EventSource(`/api/stream?lastEventId=${store.lastEventId}&beatsSince=${store.snapshotAt}`);
  source.addEventListener('open', () => {
    setConn('live', 'live');
    retryMs = 1000;
    if (hadError) {
      hadError = false;
      // Beat data sent while we were away is not replayed: take a fresh snapshot of hosts.
      refreshHosts();
    }
    reportOk(STREAM);
  });
  source.addEventListener('event', (m) => {
    const { event, host } = JSON.parse(m.data);
    applyEvent(event, host);
    reportOk(STREAM);
  });
  source.addEventListener('beats', (m) => {
    // A beating host we have no row for (it should not happen, see loadAll): take a fresh
    // snapshot, at most every 5 s. Rows without the fields we read (a server of another
    // version) are reported in the banner, not dropped silently.
    try {
      if (applyBeats(JSON.parse(m.data)) > 0) refreshHostsSoon();
      reportOk(STREAM);
    } catch (err) {
      reportFailure(STREAM, err);
    }
  });
  source.addEventListener('reset', () => {
    source.close();
    loadAll().then(connect, retry);
  });
  source.addEventListener('error', () => {
    hadError = true;
    setConn('down', 'reconnecting…');
    reportFailure(STREAM, { message: 'the stream from the monitor broke off' });
    // CLOSED means the browser gave up (e.g. the server answered an error): retry ourselves.
    if (source.readyState === EventSource.CLOSED) retry();
  });
}

let refreshAt = 0;
function refreshHostsSoon() {
  const t = Date.now();
  if (t < refreshAt) return;
  refreshAt = t + 5000;
  refreshHosts();
}

function retry(err) {
  if (err) reportFailure(API, err);
  setConn('down', 'reconnecting…');
  setTimeout(() => {
    loadAll().then(connect, retry);
  }, retryMs);
  retryMs = Math.min(retryMs * 2, 15_000);
}

/**
 * Starts loading. `onConn(state, text)` updates the connection badge; `onFirst()` runs
 * once after the first attempt (loaded or not), so the page renders either way.
 */
export async function startLive(perfOut, onConn, onFirst) {
  perf = perfOut;
  setConn = onConn;
  // Silences changed on the silences page: the host snapshot carries who is silenced.
  window.addEventListener('thump:silences-changed', refreshHosts);
  try {
    await loadAll();
    setConn('connecting', 'connecting…');
  } catch (err) {
    setConn('down', `monitor unreachable: ${err.message}`);
    reportFailure(API, err);
    onFirst();
    retry();
    return;
  }
  onFirst();
  connect();
}
