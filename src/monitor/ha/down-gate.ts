import type { DownGate } from '../core-options.js';
import type { LivenessRow, SuspectRow } from './ports.js';

export interface DownGateOptions {
  monitorId: string;
  /** How long a host is kept `up` before it is asked about again (the publish interval). */
  holdMs: number;
  /** A monitor counts as live while its liveness row is at most this old. */
  liveWindowMs: number;
  /** Called when a host's deadline passes here (suspect tracking). */
  onDue?: (i: number, hostId: string) => void;
}

/** What every monitor published, as read from the store at `readAt` (this monitor's clock). */
export interface ClusterView {
  live: readonly LivenessRow[];
  suspects: readonly SuspectRow[];
}

/**
 * The down rule of several monitors, pure: a host whose deadline passed here goes down only
 * when every OTHER live monitor lists it as a suspect too; until then the core keeps it `up`
 * (treated as heard) and asks again one hold later, or sooner when a fresher view shows the
 * rule met ({@link releasable}). A monitor whose liveness row is older than the live window
 * does not count (a dead monitor cannot veto), so alone, or with SQLite, a host goes down at
 * once, exactly as with one monitor. Runs on every monitor, active or standby, so that every
 * core holds the same states and a takeover starts from the same view as the store's.
 */
export class ClusterDownGate implements DownGate {
  private live: readonly LivenessRow[] = [];
  /** host id -> monitors (other than this one) listing it. */
  private readonly byHost = new Map<string, Set<string>>();
  /** Hosts held `up` here (host id -> core index and when it was first held). */
  private readonly held = new Map<string, { i: number; since: number }>();

  constructor(private readonly opts: DownGateOptions) {}

  /** Takes a fresh view of the other monitors. */
  update(view: ClusterView): void {
    this.live = view.live.filter((l) => l.monitorId !== this.opts.monitorId);
    this.byHost.clear();
    for (const s of view.suspects) {
      if (s.monitorId === this.opts.monitorId) continue;
      let set = this.byHost.get(s.hostId);
      if (set === undefined) {
        set = new Set();
        this.byHost.set(s.hostId, set);
      }
      set.add(s.monitorId);
    }
  }

  /** Other monitors live at `now`. */
  liveOthers(now: number): string[] {
    const since = now - this.opts.liveWindowMs;
    return this.live.filter((l) => l.seenAt >= since).map((l) => l.monitorId);
  }

  /** True when every other live monitor lists `hostId` (vacuously true alone). */
  allSuspect(hostId: string, now: number): boolean {
    const others = this.liveOthers(now);
    if (others.length === 0) return true;
    const set = this.byHost.get(hostId);
    if (set === undefined) return false;
    for (const m of others) if (!set.has(m)) return false;
    return true;
  }

  due(i: number, hostId: string, _deadline: number, now: number): number | undefined {
    this.opts.onDue?.(i, hostId);
    if (this.allSuspect(hostId, now)) {
      this.held.delete(hostId);
      return undefined;
    }
    const h = this.held.get(hostId);
    if (h === undefined || h.i !== i) this.held.set(hostId, { i, since: now });
    return now + this.opts.holdMs;
  }

  /**
   * Core indices of held hosts that may go down now (for `core.recheck`). `isHeld` says
   * whether the core still holds a host (not heard since); the others are forgotten here.
   */
  releasable(now: number, isHeld: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (const [id, h] of this.held) {
      if (!isHeld(h.i)) this.held.delete(id);
      else if (this.allSuspect(id, now)) out.push(h.i);
    }
    return out;
  }

  /**
   * True when a host was first held less than one hold ago: the other monitors' rows for it
   * are likely on their way (their deadlines passed about when this one's did), so it is
   * worth reading again soon rather than one full publish interval later.
   */
  heldRecently(now: number): boolean {
    for (const h of this.held.values()) if (now - h.since < this.opts.holdMs) return true;
    return false;
  }

  /** Hosts this gate holds `up` right now. */
  get heldCount(): number {
    return this.held.size;
  }
}
