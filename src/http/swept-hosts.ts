/**
 * Agentless (swept) hosts shown beside agent hosts: `thump sweep --db FILE` pointed at the
 * monitor's database keeps each host's latest result in `sweep_hosts`; this turns those rows
 * into host views so `/api/hosts`, the dashboard and `thump status` list them too.
 */
import type { HostView } from '../monitor/types.js';
import type { Db } from '../store/db.js';
import { latestSweepResults, type SweepHostState } from '../store/sweeps.js';
import type { SweepErrorClass } from '../sweep/types.js';
import { readSweeps } from './routes/sweeps.js';

/** Why the last probe of a swept host failed. */
export interface SweepError {
  class: SweepErrorClass;
  message: string;
}

/** A host view that may come from a sweep; `sweepError` is set on swept hosts only. */
export type ListedHost = HostView & { sweepError?: SweepError | null };

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
 * Reads the small `sweep_hosts` table once; a database without sweep tables has none.
 */
export function sweptHosts(db: Db, isAgentHost: (id: string) => boolean): ListedHost[] {
  const rows = readSweeps(() => latestSweepResults(db), []);
  const perHost = new Map<string, number>();
  for (const s of rows) perHost.set(s.host, (perHost.get(s.host) ?? 0) + 1);
  const out: ListedHost[] = [];
  for (const s of rows) {
    const id = (perHost.get(s.host) ?? 0) > 1 ? s.target : s.host;
    if (!isAgentHost(id)) out.push(sweptHostView(s, id));
  }
  return out;
}

/** Agent hosts plus the swept hosts the monitor does not know, unsorted. */
export function allHosts(hosts: readonly HostView[], db: Db): ListedHost[] {
  const ids = new Set<string>();
  for (const h of hosts) ids.add(h.id);
  const swept = sweptHosts(db, (id) => ids.has(id));
  return swept.length === 0 ? (hosts as ListedHost[]) : [...hosts, ...swept];
}

/** One host by id: the agent host if the monitor knows it, else a swept host, else undefined. */
export function findHost(agent: HostView | undefined, id: string, db: Db): ListedHost | undefined {
  if (agent) return agent;
  return sweptHosts(db, () => false).find((h) => h.id === id);
}
