/**
 * Fixing a dispatcher plan (`planGroup`'s {@link GroupPlan}) in the outbox, the same on every
 * backend: what is written, in which order, and how a suppression reason reads. A backend
 * only supplies the statements ({@link PlanWriter}); SQLite's are synchronous (its claim is
 * one better-sqlite3 transaction, which cannot await), PostgreSQL's return promises, and
 * {@link applyPlan} runs both in the one order.
 */
import type { HostEvent } from '../monitor/types.js';
import type { GroupPlan, PlannedBatch } from '../notify/grouping.js';

/** The statements that fix a plan; each list is non-empty when called. */
export interface PlanWriter<R> {
  suppress(rows: ReadonlyArray<{ rowId: number; reason: string }>): R;
  closeAlerts(alerts: ReadonlyArray<{ hostId: string; key: string }>): R;
  /** Each (host, key) once: the last opening of a key in the plan wins. */
  openAlerts(alerts: ReadonlyArray<{ hostId: string; key: string; eventId: number }>): R;
  rewrite(rows: ReadonlyArray<{ rowId: number; event: HostEvent }>): R;
  /** Forms one batch from its rows; returns (or resolves to) its id `<notifier>-<seq>`. */
  addBatch(batch: PlannedBatch): R extends Promise<unknown> ? Promise<string> : string;
}

/** A suppressed row's `reason` column: the reason, and its detail when there is one. */
const suppressionText = (s: GroupPlan['suppressed'][number]) =>
  s.detail ? `${s.reason}: ${s.detail}` : s.reason;

/** Runs `steps` in order, awaiting only a step that returns a promise. */
function inOrder(steps: ReadonlyArray<() => unknown>, from = 0): unknown {
  for (let i = from; i < steps.length; i++) {
    const r = (steps[i] as () => unknown)();
    if (r instanceof Promise) return r.then(() => inOrder(steps, i + 1));
  }
  return undefined;
}

/**
 * Writes `plan` through `w`: suppressions, then alert closes before opens (a problem resolved
 * and raised again within one group ends open), then rewrites, then the batches in plan
 * order. Returns the batch ids formed (a promise when `w`'s statements are asynchronous).
 */
export function applyPlan(plan: GroupPlan, w: PlanWriter<void>): string[];
export function applyPlan(plan: GroupPlan, w: PlanWriter<Promise<void>>): Promise<string[]>;
export function applyPlan(plan: GroupPlan, w: PlanWriter<unknown>): string[] | Promise<string[]> {
  const ids: string[] = [];
  const open = [...new Map(plan.open.map((a) => [`${a.hostId}\u0000${a.key}`, a])).values()];
  const steps: Array<() => unknown> = [];
  if (plan.suppressed.length > 0)
    steps.push(() =>
      w.suppress(plan.suppressed.map((s) => ({ rowId: s.rowId, reason: suppressionText(s) }))),
    );
  if (plan.close.length > 0) steps.push(() => w.closeAlerts(plan.close));
  if (open.length > 0) steps.push(() => w.openAlerts(open));
  if (plan.rewrites.length > 0) steps.push(() => w.rewrite(plan.rewrites));
  for (const b of plan.batches) {
    steps.push(() => {
      const id = w.addBatch(b) as string | Promise<string>;
      if (id instanceof Promise) return id.then((x) => void ids.push(x));
      ids.push(id);
      return undefined;
    });
  }
  const done = inOrder(steps);
  return done instanceof Promise ? done.then(() => ids) : ids;
}
