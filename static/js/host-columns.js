/** The host table's columns, sort orders and state filters (data, no DOM). */
import { labelsText, STATE_RANK } from './format.js';
import { isLate } from './store.js';

export const COLUMNS = [
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
export const stateKey = (h) => (h.flapping ? 1 : (STATE_RANK[h.state] ?? 9)) * 4 + SEV_RANK[h.checkStatus];

/** Column key -> comparator (the state column compares the precomputed `_k`). */
export const SORTERS = {
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
