/**
 * Flap detection in the style of Icinga 2: the last 20 state samples are kept as bits
 * (bit 0 = newest; set = that sample changed the state). The flap percentage weights
 * recent changes more (oldest 0.8 ... newest 1.2, as Icinga does) and hysteresis avoids
 * toggling: flapping starts above `high` % and stops below `low` %.
 *
 * A sample is taken on every accepted beat (an `up` sample) and every missed deadline
 * (a `down` sample), so the window spans 20 beats/misses of that host.
 */
export const FLAP_WINDOW = 20;
const WINDOW_MASK = (1 << FLAP_WINDOW) - 1;

/** Pushes one sample into the window (`changed`: it differs from the previous state). */
export function pushSample(bits: number, changed: boolean): number {
  return ((bits << 1) | (changed ? 1 : 0)) & WINDOW_MASK;
}

/** Weighted percentage of state changes in the window, 0..100. */
export function flapPercent(bits: number): number {
  if (bits === 0) return 0;
  let sum = 0;
  for (let age = 0; age < FLAP_WINDOW; age++) {
    if ((bits >>> age) & 1) sum += 1.2 - (0.4 * age) / (FLAP_WINDOW - 1);
  }
  return (sum * 100) / FLAP_WINDOW;
}

/** Thresholds in percent (Icinga 2 defaults: on above 30, off below 25). */
export interface FlapThresholds {
  high: number;
  low: number;
}

/**
 * The flapping flag after a sample: turns on above `high`, off below `low`, and otherwise
 * keeps its previous value (hysteresis).
 */
export function nextFlapping(wasFlapping: boolean, bits: number, t: FlapThresholds): boolean {
  const p = flapPercent(bits);
  if (!wasFlapping && p > t.high) return true;
  if (wasFlapping && p < t.low) return false;
  return wasFlapping;
}
