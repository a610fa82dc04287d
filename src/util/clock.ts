/**
 * Where time comes from. Pure modules take `now` as an argument; the edges that
 * need to read it take a Clock so tests can drive time by hand.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (for timestamps shown to people). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
