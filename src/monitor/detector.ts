/**
 * Deadline detector: a hashed timer wheel over dense host indices.
 *
 * Each host has one absolute deadline. The wheel has `slots` buckets of `slotMs` each; a
 * host sits in the bucket of the tick its deadline falls in (an intrusive doubly linked
 * list in typed arrays: no allocation, O(1) insert/remove). A beat only pushes the
 * deadline later, so the host is NOT moved then (lazy re-bucketing): when its old bucket
 * comes due, the wheel sees the later deadline and moves the host once. Steady state costs
 * one array write per beat and one move per host per timeout, whatever the fleet size;
 * there is never a scan of all hosts. A deadline is noticed at the first {@link advance}
 * at or after the end of its tick, so lateness is at most one slot plus timer latency.
 *
 * Pure: time comes in as an argument; the caller owns the timer.
 */
export class DeadlineWheel {
  readonly slotMs: number;
  private readonly mask: number;
  private readonly heads: Int32Array;
  private next: Int32Array;
  private prev: Int32Array;
  /** Absolute tick (`ceil(ms / slotMs)`) of the bucket a host sits in; -1 = not scheduled. */
  private tickOf: Float64Array;
  /** Absolute deadline per host, ms since epoch; NaN when not scheduled. */
  deadline: Float64Array;
  /** Last tick processed by {@link advance}. */
  private cursor = 0;
  private count = 0;

  constructor(capacity: number, opts: { slotMs?: number; slots?: number } = {}) {
    this.slotMs = opts.slotMs ?? 50;
    const slots = opts.slots ?? 4096;
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.mask = slots - 1;
    this.heads = new Int32Array(slots).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
    this.prev = new Int32Array(capacity).fill(-1);
    this.tickOf = new Float64Array(capacity).fill(-1);
    this.deadline = new Float64Array(capacity).fill(Number.NaN);
  }

  /** Number of hosts with a deadline. */
  get scheduled(): number {
    return this.count;
  }

  /** Grows the per-host arrays (called when the registry grows). */
  grow(capacity: number): void {
    const g = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.fill(-1);
      b.set(a);
      return b;
    };
    this.next = g(this.next);
    this.prev = g(this.prev);
    this.tickOf = g(this.tickOf);
    const d = new Float64Array(capacity).fill(Number.NaN);
    d.set(this.deadline);
    this.deadline = d;
  }

  private tickFor(t: number): number {
    // Ceil: the tick whose end is at or after t. Never in the past of the cursor.
    const k = Math.ceil(t / this.slotMs);
    return k > this.cursor ? k : this.cursor + 1;
  }

  /** Sets (or moves) host `i`'s deadline. O(1); moving later only writes the new time. */
  set(i: number, at: number): void {
    this.deadline[i] = at;
    const cur = this.tickOf[i] as number;
    const k = this.tickFor(at);
    if (cur >= 0) {
      if (cur <= k) return; // lazy: the bucket will be visited first and re-bucket it
      this.unlink(i);
    }
    this.link(i, k);
  }

  /** Removes host `i`'s deadline (left, down, forgotten). */
  clear(i: number): void {
    this.deadline[i] = Number.NaN;
    if ((this.tickOf[i] as number) >= 0) this.unlink(i);
  }

  /** The wall time at which the next not-yet-processed tick ends (when to call advance next). */
  nextTickAt(): number {
    return (this.cursor + 1) * this.slotMs;
  }

  /**
   * Processes every tick that ended at or before `now`, calling `onDue(i, deadline)` for
   * each host whose deadline passed (it is unscheduled first, so onDue may set a new one).
   */
  advance(now: number, onDue: (i: number, deadline: number) => void): void {
    const last = Math.floor(now / this.slotMs);
    // After a long stall, visiting more ticks than slots repeats buckets: harmless but bounded.
    const from = Math.max(this.cursor + 1, last - this.mask);
    for (let t = from; t <= last; t++) {
      this.cursor = t;
      let i = this.heads[t & this.mask] as number;
      while (i >= 0) {
        const nxt = this.next[i] as number;
        const d = this.deadline[i] as number;
        if (d <= now) {
          this.unlink(i);
          this.deadline[i] = Number.NaN;
          onDue(i, d);
        } else {
          const k = this.tickFor(d);
          if (k !== this.tickOf[i]) {
            this.unlink(i);
            this.link(i, k);
          }
        }
        i = nxt;
      }
    }
    if (last > this.cursor) this.cursor = last;
  }

  private link(i: number, k: number): void {
    const s = k & this.mask;
    const h = this.heads[s] as number;
    this.next[i] = h;
    this.prev[i] = -1;
    if (h >= 0) this.prev[h] = i;
    this.heads[s] = i;
    this.tickOf[i] = k;
    this.count++;
  }

  private unlink(i: number): void {
    const p = this.prev[i] as number;
    const n = this.next[i] as number;
    if (p >= 0) this.next[p] = n;
    else this.heads[(this.tickOf[i] as number) & this.mask] = n;
    if (n >= 0) this.prev[n] = p;
    this.next[i] = -1;
    this.prev[i] = -1;
    this.tickOf[i] = -1;
    this.count--;
  }
}
