/**
 * False `down`s of the phi accrual detector against the fixed rule (issue 2, optional
 * adaptive detector). A simulation of the detector's own arithmetic (src/monitor/phi.ts), no
 * sockets: for each gap distribution, 50 seeds x 10,000 beats at a 1 s interval; a gap longer
 * than the current timeout counts as a false `down` (the host was alive) and resets the
 * estimate, as the monitor does when the host comes back.
 * Run: node --import tsx bench/monitor-phi.ts [acceptable_pause_ms=0]
 */
import { addSample, DEFAULT_PHI_OPTIONS, phiTimeout, phiZ, priorVariance } from '../src/monitor/phi.js';
import { gaussian, seededRandom } from '../src/util/seeded-random.js';

const INTERVAL = 1000;
const FIXED = 3 * INTERVAL;
const SEEDS = 50;
const BEATS = 10_000;

const GAPS: Record<string, (r: () => number) => number> = {
  'agent jitter (+-10 %)': (r) => INTERVAL + (r() - r()) * 100,
  'normal jitter (std 300 ms)': (r) => Math.max(0, INTERVAL + 300 * gaussian(r)),
  'uniform +-300 ms': (r) => INTERVAL + (r() * 2 - 1) * 300,
  '1 % of beats paused up to 1 s': (r) => INTERVAL + 50 * gaussian(r) + (r() < 0.01 ? 1000 * r() : 0),
  'heavy tail (log-normal, sigma 0.3)': (r) => INTERVAL * Math.exp(0.3 * gaussian(r)),
};

const o = { ...DEFAULT_PHI_OPTIONS, acceptablePauseMs: Number(process.argv[2] ?? 0) };
const z = phiZ(o.threshold);
console.log(
  `phi accrual vs fixed timeouts: ${SEEDS} seeds x ${BEATS} beats, interval ${INTERVAL} ms, threshold ${o.threshold} (z ${z.toFixed(3)}), window ${o.window}, acceptable pause ${o.acceptablePauseMs} ms`,
);
console.log('| gaps | phi false downs /10k | fixed 1.5x /10k | fixed 3x /10k | phi mean timeout ms |');
console.log('|---|---|---|---|---|');
for (const [name, gap] of Object.entries(GAPS)) {
  let phiDowns = 0;
  let fixed15 = 0;
  let fixed3 = 0;
  let timeoutSum = 0;
  let timeoutN = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = seededRandom(seed);
    const mean = new Float32Array(1);
    const variance = new Float32Array(1);
    let samples = 0;
    const reset = () => {
      mean[0] = INTERVAL;
      variance[0] = priorVariance(INTERVAL, FIXED, z, o.acceptablePauseMs);
      samples = 0;
    };
    reset();
    for (let k = 0; k < BEATS; k++) {
      const timeout =
        samples < o.minSamples ? FIXED : phiTimeout(mean[0] as number, variance[0] as number, INTERVAL, z, o);
      const x = gap(r);
      if (x > 1.5 * INTERVAL) fixed15++;
      if (x > FIXED) fixed3++;
      if (k > BEATS / 2) {
        timeoutSum += timeout;
        timeoutN++;
      }
      if (x > timeout) {
        phiDowns++;
        reset();
        continue;
      }
      addSample(mean, variance, 0, x, 1 / o.window);
      samples++;
    }
  }
  console.log(
    `| ${name} | ${(phiDowns / SEEDS).toFixed(1)} | ${(fixed15 / SEEDS).toFixed(1)} | ${(fixed3 / SEEDS).toFixed(1)} | ${(timeoutSum / timeoutN).toFixed(0)} |`,
  );
}
