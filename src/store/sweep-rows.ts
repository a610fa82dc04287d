/**
 * Sweep rows (`sweep_runs`, `sweep_results`, `sweep_hosts`) and their mappings, shared by
 * both backends (see rows.ts).
 */
import type { SweepErrorClass, SweepResult, SweepRun } from '../sweep/types.js';
import type { SweepRecord } from './records.js';
import type { SweepHostState } from './values.js';

/** A sweep result as stored: ok fields or error fields, the others null. */
export interface ResultRow {
  target: string;
  host: string;
  status: string;
  at: number;
  duration_ms: number;
  uptime_seconds: number | null;
  booted_at: string | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  users: number | null;
  error_class: string | null;
  message: string | null;
}

/** The result columns of `sweep_results` and `sweep_hosts`, in {@link resultToRow}'s key order. */
export const RESULT_COLUMNS =
  'target, host, status, at, duration_ms, uptime_seconds, booted_at, load1, load5, load15, users, error_class, message';

/** The update half of both backends' result upserts (`col = <excluded>.col`, all but the key). */
export function resultUpdateSet(excluded: string): string {
  return RESULT_COLUMNS.split(', ')
    .filter((c) => c !== 'target')
    .map((c) => `${c} = ${excluded}.${c}`)
    .join(', ');
}

/** A result as a row. */
export function resultToRow(r: SweepResult): ResultRow {
  const ok = r.status === 'ok';
  return {
    target: r.target,
    host: r.host,
    status: r.status,
    at: r.at,
    duration_ms: r.durationMs,
    uptime_seconds: ok ? r.uptimeSeconds : null,
    booted_at: ok ? r.bootedAt : null,
    load1: ok ? r.load1 : null,
    load5: ok ? r.load5 : null,
    load15: ok ? r.load15 : null,
    users: ok ? (r.users ?? null) : null,
    error_class: ok ? null : r.errorClass,
    message: ok ? null : r.message,
  };
}

/** A row as a result. */
export function resultFromRow(row: ResultRow): SweepResult {
  if (row.status === 'ok') {
    const r: SweepResult = {
      status: 'ok',
      target: row.target,
      host: row.host,
      at: row.at,
      durationMs: row.duration_ms,
      uptimeSeconds: row.uptime_seconds ?? 0,
      bootedAt: row.booted_at ?? '',
      load1: row.load1 ?? 0,
      load5: row.load5 ?? 0,
      load15: row.load15 ?? 0,
    };
    if (row.users !== null) r.users = row.users;
    return r;
  }
  return {
    status: 'error',
    target: row.target,
    host: row.host,
    at: row.at,
    durationMs: row.duration_ms,
    errorClass: (row.error_class ?? 'protocol') as SweepErrorClass,
    message: row.message ?? '',
  };
}

export interface RunRow {
  id: string;
  started_at: number;
  finished_at: number | null;
  total: number;
  ok: number;
  failed: number;
  mode: string;
  every_ms: number | null;
}

/** A `sweep_runs` row as a run. */
export function runFromRow(r: RunRow): SweepRun {
  const run: SweepRun = {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    total: r.total,
    ok: r.ok,
    failed: r.failed,
    mode: r.mode === 'redis' ? 'redis' : 'local',
  };
  if (r.every_ms !== null) run.everyMs = r.every_ms;
  return run;
}

/** A run as a row. */
function runToRow(run: SweepRun): RunRow {
  return {
    id: run.id,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    total: run.total,
    ok: run.ok,
    failed: run.failed,
    mode: run.mode,
    every_ms: run.everyMs ?? null,
  };
}

/** A `sweep_hosts` row. */
type SweepHostRow = ResultRow & { state: string; state_since: number; run_id: string };

/** The query of `SweepStore.latest()` returns this: a host row and its run's interval. */
export type LatestSweepRow = SweepHostRow & { every_ms: number | null };

/** A `sweep_hosts` row (with its run's `every_ms`) as the dashboard's agentless host. */
export function sweepHostStateFromRow(row: LatestSweepRow): SweepHostState {
  return {
    target: row.target,
    host: row.host,
    state: row.state === 'up' ? 'up' : 'down',
    stateSince: row.state_since,
    runId: row.run_id,
    everyMs: row.every_ms,
    result: resultFromRow(row),
  };
}

/** A `sweep_hosts` row as a copy record and back. */
export function sweepHostRecord(r: SweepHostRow): SweepRecord {
  return {
    table: 'host',
    target: r.target,
    host: r.host,
    state: r.state === 'up' ? 'up' : 'down',
    stateSince: r.state_since,
    runId: r.run_id,
    result: resultFromRow(r),
  };
}
function sweepHostRow(r: Extract<SweepRecord, { table: 'host' }>): SweepHostRow {
  return {
    ...resultToRow(r.result),
    host: r.host,
    target: r.target,
    state: r.state,
    state_since: r.stateSince,
    run_id: r.runId,
  };
}

/** Sweep copy records split into each table's rows, parents first (runs before their results). */
export function sweepImportRows(records: readonly SweepRecord[]) {
  const runs: RunRow[] = [];
  const results: Array<ResultRow & { run_id: string }> = [];
  const hosts: SweepHostRow[] = [];
  for (const r of records) {
    if (r.table === 'run') runs.push(runToRow(r.run));
    else if (r.table === 'result') results.push({ run_id: r.runId, ...resultToRow(r.result) });
    else hosts.push(sweepHostRow(r));
  }
  return { sweep_runs: runs, sweep_results: results, sweep_hosts: hosts };
}
