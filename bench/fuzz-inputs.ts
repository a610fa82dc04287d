/**
 * A longer fuzz run of the outside-input parsers than `npm test` does (issue 17): globs
 * against the pre-issue RegExp matcher, worst-case globs within the limits against 64-char
 * ids (cost), silence API bodies against the silence schema, and random query strings against
 * the API. Prints iterations, findings and the slowest case per target; exit 1 on a finding.
 *   node --import tsx bench/fuzz-inputs.ts [seconds-per-target=10] [seed=random]
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { UsageError } from '../src/errors.js';
import { buildHttpApp } from '../src/http/app.js';
import { parseSilenceRequest, validateSilence } from '../src/notify/silences.js';
import { openStore } from '../src/store/index.js';
import { checkGlob, globMatcher } from '../src/util/glob.js';
import { LIMITS } from '../src/util/limits.js';
import { FakeMonitor } from '../test/support/fake-monitor.js';
import { regexReference } from '../test/support/glob-reference.js';

const SECONDS = Number(process.argv[2] ?? 10);
const SEED = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));

interface Report {
  target: string;
  iterations: number;
  findings: string[];
  slowestMs: number;
}

/** Runs `check` on samples of `arb` until the time is up; a thrown error is a finding. */
async function run<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  check: (v: T) => void | Promise<void>,
): Promise<Report> {
  const report: Report = { target, iterations: 0, findings: [], slowestMs: 0 };
  const end = Date.now() + SECONDS * 1000;
  let seed = SEED;
  while (Date.now() < end) {
    for (const v of fc.sample(arb, { seed: seed++, numRuns: 200 })) {
      const t0 = performance.now();
      try {
        await check(v);
      } catch (err) {
        if (report.findings.length < 5)
          report.findings.push(`${(err as Error).message} <- ${JSON.stringify(v).slice(0, 200)}`);
      }
      report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
      report.iterations++;
    }
  }
  return report;
}

const small = (chars: string[], max: number) =>
  fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));
const reports: Report[] = [];

reports.push(
  await run(
    'glob vs RegExp reference',
    fc.tuple(
      small(['a', 'b', '-', '*', '?', '[', ']', '!', '\\'], 14),
      small(['a', 'b', '-', '[', ']', '!'], 16),
    ),
    ([p, t]) => {
      let want: boolean;
      try {
        want = regexReference(p)(t);
      } catch {
        return; // the old matcher threw on [z-a]
      }
      if (globMatcher(p)(t) !== want) throw new Error(`disagrees (want ${want})`);
    },
  ),
);

// Worst cases within the limits: 256 characters, up to 32 wildcards, against 64-char ids.
const hostile = fc
  .array(fc.constantFrom('*', 'a', 'b', '?', '*a', '[ab]'), { minLength: 1, maxLength: 200 })
  .map((a) => a.join('').slice(0, LIMITS.globLength))
  .filter((g) => checkGlob(g) === undefined);
const ids = fc.array(fc.constantFrom('a', 'b'), { minLength: 64, maxLength: 64 }).map((a) => a.join(''));
reports.push(
  await run(
    'worst globs within limits x 64-char ids (1000 ids each)',
    fc.tuple(hostile, fc.array(ids, { minLength: 1000, maxLength: 1000 })),
    ([g, list]) => {
      const m = globMatcher(g);
      for (const id of list) m(id);
    },
  ),
);

const NOW = Date.now();
const field = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('2h', '999999999999d', '3650d', '3651d', '0 2 * * 0', '9999-12-31T23:59:59Z', 'March 7'),
  fc.double(),
  fc.integer(),
  fc.constant(null),
);
reports.push(
  await run(
    'silence API bodies',
    fc.record(
      {
        host: fc.oneof(fc.string({ maxLength: 300 }), small(['*', '?', 'a'], 80)),
        for: field,
        until: field,
        startsAt: field,
        cron: field,
        duration: field,
        comment: fc.string({ maxLength: 1100 }),
      },
      { requiredKeys: [] },
    ),
    (b) => {
      let s: ReturnType<typeof validateSilence>;
      try {
        s = validateSilence(parseSilenceRequest(b, NOW), NOW, 'api');
      } catch (err) {
        if (err instanceof UsageError) return;
        throw err;
      }
      if (checkGlob(s.hostGlob) !== undefined) throw new Error('accepted a glob beyond the limits');
      if (s.comment.length > LIMITS.commentLength) throw new Error('accepted a long comment');
      if (s.endsAt !== null && s.endsAt - Math.max(NOW, s.startsAt) > LIMITS.silenceMaxMs)
        throw new Error('accepted > 10 years');
    },
  ),
);

const monitor = new FakeMonitor();
for (let i = 0; i < 1000; i++)
  monitor.setHost({ id: `${'a'.repeat(58)}-${String(i).padStart(4, '0')}` }, NOW);
const store = await openStore(':memory:');
const app = buildHttpApp({ monitor, store, listen: { host: '127.0.0.1', port: 0 } });
await app.ready();
const qchars = fc.constantFrom('*', '?', '[', ']', '!', 'a', '-', ',', '=', '%2A', '%00', '&', 'x', '%E2%82');
const qvalue = fc.oneof(
  small(['*', 'a'], 2000),
  fc.array(qchars, { maxLength: 400 }).map((a) => a.join('')),
);
const qname = fc.constantFrom(
  'id',
  'state',
  'label',
  'q',
  'limit',
  'offset',
  'host',
  'type',
  'before',
  'since',
  'all',
);
reports.push(
  await run(
    'API query strings (1000 hosts)',
    fc.tuple(
      fc.constantFrom('/api/hosts', '/api/events', '/api/silences', '/api/sweeps', '/api/hosts/x'),
      fc.array(fc.tuple(qname, qvalue), { maxLength: 6 }),
    ),
    async ([path, params]) => {
      const r = await app.inject({ url: `${path}?${params.map(([k, v]) => `${k}=${v}`).join('&')}` });
      if (r.statusCode >= 500) throw new Error(`HTTP ${r.statusCode}: ${r.body.slice(0, 120)}`);
    },
  ),
);
await app.close();
await store.close();

console.log(`fuzz-inputs: seed ${SEED}, ${SECONDS} s per target`);
for (const r of reports) {
  console.log(
    `${r.target.padEnd(58)} ${String(r.iterations).padStart(8)} iterations  ${r.findings.length} findings  slowest ${r.slowestMs.toFixed(2)} ms`,
  );
  for (const f of r.findings) console.log(`  finding: ${f}`);
}
process.exitCode = reports.some((r) => r.findings.length > 0) ? 1 : 0;
