import { DOWN } from '../host-registry.js';

/** What suspect tracking reads of the local core: the registry's arrays, read-only. */
export interface SuspectSource {
  readonly size: number;
  readonly ids: readonly string[];
  readonly state: ArrayLike<number>;
  readonly lastBeatAt: ArrayLike<number>;
  find(id: string): number;
}

/** One publish: rows to add and to remove, each list at most a bounded size. */
export interface SuspectBatch {
  add: string[];
  remove: string[];
}

/**
 * This monitor's suspects, pure: a host becomes one when its deadline passes here
 * ({@link noteDue}, from the core's down gate) or when it is down here at start
 * ({@link seed}), and stops being one when this monitor accepts a beat from it again (its
 * `lastBeatAt` moved). {@link next} gives the difference from what the store holds, so a
 * publish costs rows for silent hosts only, never for the fleet; removals go first (a stale
 * suspect can let a host go down, a missing one only delays it) and a batch holds at most
 * `maxRows` rows, so a mass outage is published over a few intervals, not in one write.
 */
export class SuspectTracker {
  /** Local suspects: host index -> its lastBeatAt when it became one. */
  private readonly local = new Map<number, number>();
  /**
   * Hosts other monitors list that this one has never heard (not in its registry): never
   * heard is not heard, so they are suspects here too, or this monitor would veto their
   * `down` forever. Replaced from every fresh view; dropped once the host is heard here.
   */
  private unknown = new Set<string>();
  /** What the store holds for this monitor, as far as acknowledged publishes tell. */
  private readonly published = new Set<string>();
  private known = false;

  constructor(
    private readonly reg: SuspectSource,
    private readonly maxRows = 10_000,
  ) {}

  /** Host `i`'s deadline passed here: a suspect until it is heard again. True when it is new. */
  noteDue(i: number): boolean {
    if (this.isSuspect(i)) return false;
    this.local.set(i, this.reg.lastBeatAt[i] as number);
    return true;
  }

  /** Takes every host that is down in the core as a suspect (once, at start: a scan). */
  seed(): void {
    for (let i = 0; i < this.reg.size; i++) if (this.reg.state[i] === DOWN) this.noteDue(i);
  }

  /** The rows the store holds for this monitor, read at start (rows left by an earlier run). */
  setPublished(hostIds: Iterable<string>): void {
    this.published.clear();
    for (const id of hostIds) this.published.add(id);
    this.known = true;
  }

  /** True once {@link setPublished} was called: diffs need to know what the store holds. */
  get ready(): boolean {
    return this.known;
  }

  /** Number of local suspects (hosts never heard here included). */
  get size(): number {
    return this.local.size + this.unknown.size;
  }

  /** True when host `hostId` is a local suspect (after the last {@link next} or {@link refresh}). */
  has(hostId: string): boolean {
    const i = this.reg.find(hostId);
    return i >= 0 && this.local.has(i);
  }

  /** True when host index `i` is a local suspect (as of the last {@link refresh}). */
  isSuspect(i: number): boolean {
    return this.local.has(i) && this.reg.lastBeatAt[i] === this.local.get(i);
  }

  /**
   * Takes the hosts other monitors list that this registry does not know as suspects;
   * returns how many of them are new (worth publishing soon).
   */
  setUnknown(listedByOthers: Iterable<string>): number {
    const next = new Set<string>();
    let fresh = 0;
    for (const id of listedByOthers) {
      if (this.reg.find(id) >= 0 || next.has(id)) continue;
      next.add(id);
      if (!this.unknown.has(id)) fresh++;
    }
    this.unknown = next;
    return fresh;
  }

  /** Drops suspects heard again since they became one. O(suspects). */
  refresh(): void {
    for (const [i, lb] of this.local) if (this.reg.lastBeatAt[i] !== lb) this.local.delete(i);
  }

  /** The next batch to publish (empty lists when the store is up to date). */
  next(): SuspectBatch {
    this.refresh();
    const remove: string[] = [];
    const add: string[] = [];
    const current = new Set<string>();
    for (const i of this.local.keys()) current.add(this.reg.ids[i] as string);
    for (const id of this.unknown) {
      if (this.reg.find(id) >= 0) this.unknown.delete(id);
      else current.add(id);
    }
    for (const id of this.published) {
      if (remove.length >= this.maxRows) break;
      if (!current.has(id)) remove.push(id);
    }
    for (const id of current) {
      if (remove.length + add.length >= this.maxRows) break;
      if (!this.published.has(id)) add.push(id);
    }
    return { add, remove };
  }

  /** The batch reached the store. A failed batch is simply not acked: the next diff has it. */
  ack(batch: SuspectBatch): void {
    for (const id of batch.remove) this.published.delete(id);
    for (const id of batch.add) this.published.add(id);
  }
}
