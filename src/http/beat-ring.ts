/**
 * Recent beat arrival times per host, kept by the HTTP layer when the monitor offers no
 * `beatHistory()`: sampled from `lastBeatAt` once per live tick, a fixed ring per host
 * (`size` doubles, 8 bytes each), so memory stays bounded at any fleet size.
 */
export class BeatRing {
  private readonly rings = new Map<string, { times: Float64Array; head: number; n: number }>();

  constructor(private readonly size = 64) {}

  /** Records `at` for `id` unless it equals the newest recorded arrival. */
  record(id: string, at: number): void {
    if (at <= 0) return;
    let r = this.rings.get(id);
    if (!r) {
      r = { times: new Float64Array(this.size), head: 0, n: 0 };
      this.rings.set(id, r);
    }
    if (r.n > 0 && r.times[(r.head + this.size - 1) % this.size] === at) return;
    r.times[r.head] = at;
    r.head = (r.head + 1) % this.size;
    if (r.n < this.size) r.n++;
  }

  /** Arrival times, oldest first. */
  get(id: string): number[] {
    const r = this.rings.get(id);
    if (!r) return [];
    const out: number[] = [];
    for (let i = r.n; i > 0; i--) out.push(r.times[(r.head + this.size - i) % this.size] as number);
    return out;
  }

  /** Forgets hosts the monitor no longer knows. */
  retain(ids: Set<string>): void {
    for (const id of this.rings.keys()) if (!ids.has(id)) this.rings.delete(id);
  }
}
