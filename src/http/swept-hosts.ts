/**
 * Agentless (swept) hosts shown beside agent hosts: `thump sweep --db FILE` pointed at the
 * monitor's database keeps each host's latest result in the store; this turns those rows
 * into host views so `/api/hosts`, the dashboard and `thump status` list them too.
 */
import type { HostView } from '../monitor/types.js';
import type { Store, SweepHostState } from '../store/index.js';
import type { ListedHost } from './json.js';

/**
 * One swept host as a host view: `up` when its last result was ok, `down` otherwise;
 * address = the probed host name, lastBeatAt = when the last result came back, uptime and
 * load from that result (0 after a failure), `intervalMs` = the `--every` interval of the
 * sweep that wrote it (0 for a one-off sweep).
 */
export function sweptHostView(s: SweepHostState, id: string): ListedHost {
  const r = s.result;
  const ok = r.status === 'ok';
  return {
    id,
    state: s.state,
    source: 'sweep',
    address: r.host,
    firstSeenAt: 0,
    lastBeatAt: r.at,
    stateSince: s.stateSince,
    bootId: '',
    seq: 0,
    intervalMs: s.everyMs ?? 0,
    timeoutMs: 0,
    uptimeSeconds: ok ? r.uptimeSeconds : 0,
    load: ok ? [r.load1, r.load5, r.load15] : [0, 0, 0],
    memTotalBytes: 0,
    memAvailableBytes: 0,
    diskTotalBytes: 0,
    diskUsedBytes: 0,
    checks: [],
    labels: {},
    flapping: false,
    sweepError: ok ? null : { class: r.errorClass, message: r.message },
  };
}

/**
 * Every swept host not also known as an agent host (agent data wins: an id the monitor
 * knows keeps the agent row). A swept host's id is its host name; when several targets
 * share one host name (other user or port) each keeps its target text as id instead.
 * Pure: `rows` are the store's `sweeps.latest()`.
 */
export function sweptHostsOf(
  rows: readonly SweepHostState[],
  isAgentHost: (id: string) => boolean,
): ListedHost[] {
  const perHost = new Map<string, number>();
  for (const s of rows) perHost.set(s.host, (perHost.get(s.host) ?? 0) + 1);
  const out: ListedHost[] = [];
  for (const s of rows) {
    const id = (perHost.get(s.host) ?? 0) > 1 ? s.target : s.host;
    if (!isAgentHost(id)) out.push(sweptHostView(s, id));
  }
  return out;
}

/** {@link sweptHostsOf} over the store's latest sweep rows (one small read per call). */
export async function sweptHosts(store: Store, isAgentHost: (id: string) => boolean): Promise<ListedHost[]> {
  return sweptHostsOf(await store.sweeps.latest(), isAgentHost);
}

/** Agent hosts plus the swept hosts the monitor does not know, unsorted. */
export async function allHosts(hosts: readonly HostView[], store: Store): Promise<ListedHost[]> {
  const ids = new Set<string>();
  for (const h of hosts) ids.add(h.id);
  const swept = await sweptHosts(store, (id) => ids.has(id));
  return swept.length === 0 ? (hosts as ListedHost[]) : [...hosts, ...swept];
}

/** One host by id: the agent host if the monitor knows it, else a swept host, else undefined. */
export async function findHost(
  agent: HostView | undefined,
  id: string,
  store: Store,
): Promise<ListedHost | undefined> {
  if (agent) return agent;
  return (await sweptHosts(store, () => false)).find((h) => h.id === id);
}
