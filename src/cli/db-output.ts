/**
 * What `thump db` prints: aligned tables for a person, JSON lines for scripts, and the
 * copy's progress on stderr (a cli-progress bar on a terminal, a plain line per domain
 * when piped, so logs stay readable).
 */
import type { CopiedDomain, CopyResult, TableCount } from '../store/index.js';

/** Rows as columns padded to their widest cell; `right[i]` right-aligns column i (numbers). */
export function formatTable(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((r) =>
      r
        .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const num = (n: number) => n.toLocaleString('en-US');

/** The copy's counts per table, a total line and the rate. */
export function copyTable(r: CopyResult): string {
  const total = r.tables.reduce((n, t) => n + t.source, 0);
  const body = [
    ['domain', 'table', 'source', 'target'],
    ...r.tables.map((t) => [t.domain, t.table, num(t.source), num(t.target)]),
    ['total', '', num(total), num(r.tables.reduce((n, t) => n + t.target, 0))],
  ];
  const rate = r.seconds > 0 ? ` (${num(Math.round(r.copied / r.seconds))} rows/s)` : '';
  return `${formatTable(body, [false, false, true, true])}\n${num(r.copied)} rows copied in ${r.seconds.toFixed(1)} s${rate}\n`;
}

/** Rows per table and per domain. */
export function countsTable(counts: readonly TableCount[]): string {
  return formatTable(
    [['domain', 'table', 'rows'], ...counts.map((c) => [c.domain, c.table, num(c.rows)])],
    [false, false, true],
  );
}

/** Sums counts per domain (`{ hosts: 3, outbox: 12, … }`). */
export function perDomain(counts: readonly TableCount[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) out[c.domain] = (out[c.domain] ?? 0) + c.rows;
  return out;
}

/** Hears every page the copy imports. */
export interface CopyProgress {
  page(domain: CopiedDomain, rows: number): void;
  stop(): void;
}

/**
 * A bar on `stream` when it is a terminal (cli-progress, as `thump sweep`), otherwise one
 * line per finished domain (`thump db migrate: events 100,000 rows`).
 */
export async function createCopyProgress(stream: NodeJS.WriteStream, total: number): Promise<CopyProgress> {
  if (!stream.isTTY) {
    let current: CopiedDomain | undefined;
    let rows = 0;
    const flush = () => {
      if (current !== undefined) stream.write(`thump db migrate: ${current} ${num(rows)} rows\n`);
    };
    return {
      page(domain, n) {
        if (domain !== current) {
          flush();
          current = domain;
          rows = 0;
        }
        rows += n;
      },
      stop: flush,
    };
  }
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} rows | {domain} | {rate}/s | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let done = 0;
  bar.start(total, 0, { domain: 'hosts', rate: '0' });
  return {
    page(domain, n) {
      done += n;
      const secs = (Date.now() - t0) / 1000;
      bar.update(done, { domain, rate: secs > 0 ? (done / secs).toFixed(0) : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
