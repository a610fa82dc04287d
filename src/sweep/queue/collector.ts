import type { SweepResult, SweepTarget } from '../types.js';

/** What the collector decided about one incoming result. */
export type Collected =
  | { kind: 'new'; result: SweepResult }
  | { kind: 'duplicate'; spec: string }
  | { kind: 'foreign'; spec: string }
  | { kind: 'malformed'; reason: string };

/**
 * The producer's exactly-once gate, kept pure: it knows the sweep's host specs, accepts
 * raw result payloads (JSON from the Redis stream) and says which ones to write to the
 * sinks. A spec is written once, whatever the queue does (a job retried after a worker
 * died, a stream replayed after a producer restart); results for specs outside the sweep
 * are ignored. `complete` turns true when every spec has its one result.
 */
export class Collector {
  private readonly pending: Set<string>;
  private readonly seen = new Set<string>();
  private okCount = 0;
  private failedCount = 0;

  constructor(targets: readonly SweepTarget[]) {
    this.pending = new Set(targets.map((t) => t.spec));
  }

  get total(): number {
    return this.pending.size + this.seen.size;
  }
  get done(): number {
    return this.seen.size;
  }
  get ok(): number {
    return this.okCount;
  }
  get failed(): number {
    return this.failedCount;
  }
  get complete(): boolean {
    return this.pending.size === 0;
  }
  /** Specs still waiting for their result (in insertion order). */
  remaining(): IterableIterator<string> {
    return this.pending.values();
  }
  has(spec: string): boolean {
    return this.seen.has(spec);
  }

  /** Takes one raw payload; returns `new` exactly once per spec. */
  accept(raw: string): Collected {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { kind: 'malformed', reason: 'not JSON' };
    }
    const result = asResult(parsed);
    if (typeof result === 'string') return { kind: 'malformed', reason: result };
    const spec = result.target;
    if (this.seen.has(spec)) return { kind: 'duplicate', spec };
    if (!this.pending.delete(spec)) return { kind: 'foreign', spec };
    this.seen.add(spec);
    if (result.status === 'ok') this.okCount++;
    else this.failedCount++;
    return { kind: 'new', result };
  }
}

/** Shape check of a result that crossed Redis; returns the reason when it is not one. */
export function asResult(v: unknown): SweepResult | string {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const r = v as Record<string, unknown>;
  if (typeof r.target !== 'string' || r.target === '') return 'no target';
  if (typeof r.host !== 'string') return 'no host';
  if (typeof r.at !== 'number' || typeof r.durationMs !== 'number') return 'no timing';
  if (r.status === 'ok') {
    if (typeof r.uptimeSeconds !== 'number') return 'ok result without uptimeSeconds';
    return v as SweepResult;
  }
  if (r.status === 'error') {
    if (typeof r.errorClass !== 'string' || typeof r.message !== 'string') {
      return 'error result without errorClass/message';
    }
    return v as SweepResult;
  }
  return 'unknown status';
}

/**
 * Drops repeated specs from a host list, keeping the first. A sweep answers each spec once,
 * so a line written twice in the hosts file is probed once.
 */
export function uniqueTargets(targets: readonly SweepTarget[]): SweepTarget[] {
  const seen = new Set<string>();
  const out: SweepTarget[] = [];
  for (const t of targets) {
    if (seen.has(t.spec)) continue;
    seen.add(t.spec);
    out.push(t);
  }
  return out;
}
