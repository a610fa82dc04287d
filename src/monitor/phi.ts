/**
 * Phi accrual failure detection (Hayashibara et al., 2004; as in Akka and Cassandra), reduced
 * to what a timer wheel needs: per host a running estimate of the mean and variance of the
 * time between accepted beats, and from it the time at which phi would cross the threshold.
 *
 * phi(t) = -log10(P(next beat later than t)) under a normal model of the inter-arrival time.
 * It crosses `threshold` at `mean + z * std` with z = the upper (1 - 10^-threshold) normal
 * quantile, so the deadline is computed once per beat (z is computed once per monitor) and
 * nothing evaluates phi per tick: a host is down when that deadline passes, like with the
 * fixed rule.
 *
 * Estimates are exponentially weighted (EWMA), not a window of samples: two float32 per host
 * (8 bytes) where Akka's 1,000-sample window would be 4 KB per host, 4 GB at a million hosts.
 * A new estimate starts from a prior equal to the fixed rule (mean = interval, std such that
 * the phi deadline is the fixed timeout), so the timeout moves smoothly from the fixed one to
 * the learned one instead of trusting the first few samples (a std estimated from 5 samples is
 * below half the true one about 1 time in 10, which would call a healthy host down).
 *
 * Pure: numbers in, numbers out. The per-host arrays live in the registry.
 */

/** Tunables of the phi detector; defaults come from the config schema (`monitor.phi`). */
export interface PhiOptions {
  /** phi at which a host is down: the modelled chance that it is still alive is 10^-threshold. */
  threshold: number;
  /** Floor on the standard deviation in ms (network and scheduling jitter the samples may miss). */
  minStdMs: number;
  /** ...and as a fraction of the announced interval; the larger floor wins. */
  minStdRatio: number;
  /**
   * Added to the mean before the deviations (Akka's acceptable-heartbeat-pause): the normal
   * model thinks a rare long pause (GC, a stalled agent) impossible; this makes it tolerated.
   */
  acceptablePauseMs: number;
  /** The timeout never exceeds this many announced intervals. */
  maxTimeoutMultiplier: number;
  /** Samples (inter-arrival times) needed before the phi timeout replaces the fixed rule. */
  minSamples: number;
  /** EWMA weight of a new sample is 1/window (about the last 2 x window samples count). */
  window: number;
}

export const DEFAULT_PHI_OPTIONS: PhiOptions = {
  threshold: 8,
  minStdMs: 100,
  minStdRatio: 0.1,
  acceptablePauseMs: 0,
  maxTimeoutMultiplier: 10,
  minSamples: 5,
  window: 32,
};

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
// https://web.archive.org/web/20151030215612/http://home.online.no/~pjacklam/notes/invnorm/
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function poly(k: readonly number[], x: number): number {
  let v = 0;
  for (const c of k) v = v * x + c;
  return v;
}

/**
 * The z with P(X > z) = p for a standard normal X (0 < p < 1). Computed from the tail side,
 * so p = 1e-16 is as exact as p = 0.1 (1 - p would round away).
 */
export function normalUpperQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`expected 0 < p < 1, got ${p}`);
  const lower = Math.min(p, 1 - p);
  let x: number;
  if (lower < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(lower));
    x = poly(C, q) / (poly(D, q) * q + 1); // lower-tail quantile (negative)
  } else {
    const q = lower - 0.5;
    const r = q * q;
    x = (poly(A, r) * q) / (poly(B, r) * r + 1);
  }
  // x is the lower quantile of `lower`; the upper quantile of p is -x when p is the small side.
  return p <= 0.5 ? -x : x;
}

/** z for a threshold: the deadline is `mean + z * std`. 8 gives 5.612. */
export function phiZ(threshold: number): number {
  return normalUpperQuantile(10 ** -threshold);
}

/**
 * phi after `elapsedMs` without a beat, for an inter-arrival mean and std (ms). For tests and
 * diagnostics: the detector itself never evaluates it. Computed in logs, so it stays finite
 * far past the threshold.
 */
export function phiAt(elapsedMs: number, meanMs: number, stdMs: number): number {
  const x = (elapsedMs - meanMs) / (stdMs * Math.SQRT2);
  // P(X > y) = erfc(y / sqrt 2) / 2.
  const tail = x >= 0 ? Math.log(0.5) + logErfc(x) : Math.log(1 - 0.5 * Math.exp(logErfc(-x)));
  return -tail / Math.LN10;
}

/** Numerical Recipes' erfcc coefficients, highest power first (fractional error < 1.2e-7). */
const E = [
  0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
  1.00002368, -1.26551223,
];

/** ln erfc(x) for x >= 0, computed as a log so that it never underflows. */
function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return Math.log(t) - x * x + poly(E, t);
}

/** The std floor for a host (ms): the larger of the absolute and the interval-relative floor. */
export function minStd(intervalMs: number, o: PhiOptions): number {
  return Math.max(o.minStdMs, o.minStdRatio * intervalMs);
}

/**
 * The timeout (ms after the last beat) at which phi crosses the threshold:
 * `mean + acceptable pause + z * max(std, floor)`, at most `maxTimeoutMultiplier` intervals, and never less than
 * one interval + the floor (the agent promised a beat per interval; earlier is not a failure
 * even if it usually beats faster). Rounded to whole ms (the registry stores u32).
 */
export function phiTimeout(
  meanMs: number,
  variance: number,
  intervalMs: number,
  z: number,
  o: PhiOptions,
): number {
  const floor = minStd(intervalMs, o);
  const std = Math.max(Math.sqrt(Math.max(0, variance)), floor);
  const t = Math.min(meanMs + o.acceptablePauseMs + z * std, o.maxTimeoutMultiplier * intervalMs);
  return Math.round(Math.max(t, intervalMs + floor));
}

/**
 * The prior variance for a host whose estimate starts afresh: the one whose phi deadline is
 * the fixed rule's timeout (mean = interval), so the learned timeout starts where the fixed
 * one is and moves from there as samples come in.
 */
export function priorVariance(intervalMs: number, fixedTimeoutMs: number, z: number, pauseMs = 0): number {
  const std = Math.max(0, fixedTimeoutMs - intervalMs - pauseMs) / z;
  return std * std;
}

/**
 * Adds one inter-arrival sample `x` to host `i`'s EWMA mean and variance (West/Finch
 * incremental form: no square roots, no history), weight `alpha`.
 */
export function addSample(
  mean: Float32Array,
  variance: Float32Array,
  i: number,
  x: number,
  alpha: number,
): void {
  const m = mean[i] as number;
  const d = x - m;
  const inc = alpha * d;
  mean[i] = m + inc;
  variance[i] = (1 - alpha) * ((variance[i] as number) + d * inc);
}

/** The per-host arrays the estimator keeps (the registry's; see HostRegistry). */
export interface PhiArrays {
  phiMean: Float32Array;
  phiVar: Float32Array;
  /** 0 = no estimate; else 1 + gaps taken, saturating at 255. */
  phiCount: Uint8Array;
}

/**
 * On an accepted beat of an up host: adds `gap` (ms since its previous beat; < 0 = none
 * usable, e.g. the gap ended a `down`) to host `i`'s estimate, or starts one from the fixed
 * rule's prior, and returns the timeout until its next beat: the fixed one until
 * `minSamples` gaps were taken, then {@link phiTimeout}.
 */
export function phiOnBeat(
  a: PhiArrays,
  i: number,
  intervalMs: number,
  gap: number,
  fixedTimeoutMs: number,
  z: number,
  o: PhiOptions,
): number {
  const n = a.phiCount[i] as number;
  if (n === 0 || gap < 0) {
    a.phiMean[i] = intervalMs;
    a.phiVar[i] = priorVariance(intervalMs, fixedTimeoutMs, z, o.acceptablePauseMs);
    a.phiCount[i] = 1;
    return fixedTimeoutMs;
  }
  addSample(a.phiMean, a.phiVar, i, gap, 1 / o.window);
  if (n < 255) a.phiCount[i] = n + 1;
  if (n < o.minSamples) return fixedTimeoutMs; // n gaps now, counting this one
  return phiTimeout(a.phiMean[i] as number, a.phiVar[i] as number, intervalMs, z, o);
}
