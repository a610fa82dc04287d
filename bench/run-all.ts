/**
 * `npm run bench`: runs every benchmark in bench/ one after the other, each in its own
 * process with short arguments (a smoke run of a few seconds to a minute each, not the
 * figures docs/performance.md quotes), streams their output, and ends with one line per
 * bench: exit status and wall time. Exit 1 if any bench failed.
 *
 *   npm run bench                      # all of them
 *   npm run bench -- codec detection   # only these (names from the table below)
 *   npm run bench -- --list            # names, commands and what each needs
 *
 * Benchmarks run one at a time on purpose: two at once on a small machine measure each
 * other. A bench whose tools are missing (sshd, Redis, pssh, Ansible, a built dist/) fails
 * with its own message and the others still run. A new bench/*.ts must be added to BENCHES
 * (or HELPERS): the runner refuses to start while one is unlisted, so none is forgotten.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Bench {
  /** Short name for the command line. */
  name: string;
  file: string;
  /** Short arguments: enough to print every figure, not enough to be the documented run. */
  args: string[];
  env?: Record<string, string>;
  /** What it needs beyond Node, shown by --list. */
  needs?: string;
}

const BENCHES: Bench[] = [
  { name: 'codec', file: 'protocol-codec.ts', args: [], env: { BENCH_N: '50000' } },
  {
    name: 'ingest',
    file: 'monitor-ingest.ts',
    args: ['50000', '1'],
    needs: '`cc` for the C sender (else a Node one)',
  },
  { name: 'detection', file: 'monitor-detection.ts', args: ['20000', '6'] },
  { name: 'memory', file: 'monitor-memory.ts', args: [] },
  { name: 'phi', file: 'monitor-phi.ts', args: [] },
  { name: 'outbox', file: 'notify-outbox.ts', args: ['500'] },
  { name: 'notifiers', file: 'notify-notifiers.ts', args: ['2'] },
  { name: 'latency', file: 'notify-latency.ts', args: ['2', '0'], needs: 'npm run build' },
  { name: 'http-api', file: 'http-api.ts', args: ['2000', '3'] },
  { name: 'fuzz', file: 'fuzz-inputs.ts', args: ['2', '17'] },
  {
    name: 'store',
    file: 'store-backends.ts',
    args: ['2000', '500'],
    needs: 'PostgreSQL server binaries (initdb, pg_ctl), root',
  },
  {
    name: 'migrate',
    file: 'db-migrate.ts',
    args: ['10000', '1000'],
    needs: 'PostgreSQL server binaries (initdb, pg_ctl), root',
  },
  {
    name: 'ha',
    file: 'ha-failover.ts',
    args: ['3', '4', '20000'],
    needs: 'npm run build, PostgreSQL binaries (initdb, pg_ctl; root runs them as postgres)',
  },
  {
    name: 'queue',
    file: 'queue-throughput.ts',
    args: [],
    env: { BENCH_HOSTS: '64' },
    needs: 'npm run build, redis-server, sshd',
  },
  {
    name: 'sweep',
    file: 'sweep-compare.ts',
    args: ['32', '8'],
    needs: 'npm run build, root, sshd, pssh, ansible-core',
  },
];

/** Files in bench/ that are not benchmarks of their own. */
const HELPERS = new Set(['run-all.ts', 'monitor-ingest-receiver.ts', 'paced-send.ts']);

const here = dirname(fileURLToPath(import.meta.url));

function unlisted(): string[] {
  const known = new Set(BENCHES.map((b) => b.file));
  return readdirSync(here).filter((f) => f.endsWith('.ts') && !HELPERS.has(f) && !known.has(f));
}

function commandOf(b: Bench): string {
  const env = Object.entries(b.env ?? {}).map(([k, v]) => `${k}=${v} `);
  return `${env.join('')}node --import tsx bench/${b.file}${b.args.map((a) => ` ${a}`).join('')}`;
}

function run(b: Bench): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, b.file), ...b.args], {
      stdio: 'inherit',
      env: { ...process.env, ...b.env },
    });
    child.on('error', (err) => {
      process.stderr.write(`run-all: ${b.name}: cannot start: ${err.message}\n`);
      done({ code: -1, ms: performance.now() - t0 });
    });
    child.on('exit', (code) => done({ code, ms: performance.now() - t0 }));
  });
}

async function main(argv: string[]): Promise<number> {
  const missing = unlisted();
  if (missing.length > 0) {
    process.stderr.write(
      `run-all: bench/${missing.join(', bench/')} not listed: add to BENCHES (or HELPERS) in bench/run-all.ts\n`,
    );
    return 2;
  }
  if (argv.includes('--list')) {
    for (const b of BENCHES) {
      process.stdout.write(`${b.name.padEnd(10)} ${commandOf(b)}${b.needs ? `   (needs ${b.needs})` : ''}\n`);
    }
    return 0;
  }
  const unknown = argv.filter((a) => !BENCHES.some((b) => b.name === a));
  if (unknown.length > 0) {
    process.stderr.write(
      `run-all: unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = argv.length > 0 ? BENCHES.filter((b) => argv.includes(b.name)) : BENCHES;
  const results: string[] = [];
  let failed = 0;
  for (const b of chosen) {
    process.stdout.write(`\n=== ${b.name}: ${commandOf(b)}  (load avg ${loadavg()[0]?.toFixed(1)})\n`);
    const { code, ms } = await run(b);
    if (code !== 0) failed++;
    const status =
      code === 0 ? 'ok' : `FAILED (exit ${code ?? 'signal'})${b.needs ? `; needs ${b.needs}` : ''}`;
    results.push(`${b.name.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${status}`);
  }
  process.stdout.write(`\n=== summary (short runs; docs/performance.md has the documented ones)\n`);
  process.stdout.write(`${results.join('\n')}\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
