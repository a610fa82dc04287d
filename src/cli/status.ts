import type { Command } from 'commander';
import { ResourceError, UsageError } from '../errors.js';
import type { HostJson } from '../http/json.js';
import { formatStatusTable } from '../http/status-table.js';
import { formatDuration, parseTimeoutMs } from '../util/duration.js';

interface StatusOptions {
  url?: string;
  json?: boolean;
  state?: string;
  id?: string;
  label?: string[];
  timeout: string;
}

/** Default monitor address: `THUMP_URL`, else the monitor's default listen address. */
export function defaultUrl(): string {
  return process.env.THUMP_URL ?? 'http://127.0.0.1:8080';
}

/**
 * Fetches every page of `/api/hosts` from a running monitor (a page holds at most 10,000
 * hosts; `X-Total-Count` says how many match). Unreachable monitor or server error:
 * ResourceError (exit 1); a filter the API refuses (400): UsageError (exit 2).
 */
export async function fetchHosts(
  base: string,
  query: URLSearchParams,
  timeoutMs: number,
): Promise<HostJson[]> {
  const all: HostJson[] = [];
  for (;;) {
    const q = new URLSearchParams(query);
    if (all.length > 0) q.set('offset', String(all.length));
    const { hosts, total } = await fetchPage(base, q, timeoutMs);
    all.push(...hosts);
    if (hosts.length === 0 || total === undefined || all.length >= total) return all;
  }
}

async function fetchPage(
  base: string,
  query: URLSearchParams,
  timeoutMs: number,
): Promise<{ hosts: HostJson[]; total: number | undefined }> {
  let url: URL;
  try {
    url = new URL(`/api/hosts?${query.toString()}`, base);
  } catch {
    throw new UsageError(`--url: expected a URL such as http://127.0.0.1:8080, got ${JSON.stringify(base)}`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const why = cause === 'TimeoutError' ? `no answer within ${formatDuration(timeoutMs)}` : cause;
    throw new ResourceError(
      `cannot reach the monitor at ${url.origin} (${why}); is \`thump monitor\` running? pass --url or set THUMP_URL`,
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    const msg = (body as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
    if (res.status === 400) throw new UsageError(msg);
    throw new ResourceError(`the monitor at ${url.origin} answered ${res.status}: ${msg}`);
  }
  if (!Array.isArray(body)) throw new ResourceError(`the monitor at ${url.origin} sent an unexpected answer`);
  const total = Number(res.headers.get('x-total-count') ?? Number.NaN);
  return { hosts: body as HostJson[], total: Number.isInteger(total) ? total : undefined };
}

/**
 * The header line: which monitor answered and its HA role (`monitor mon-a: active, lease
 * epoch 3, leader mon-a`), from `/api/info`. Undefined when the monitor does not say (an
 * older monitor, or an embedded one without HA): the table still prints.
 */
export async function roleHeader(base: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await fetch(new URL('/api/info', base), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const info = (await res.json()) as { role?: string; monitorId?: string; epoch?: number; leader?: string };
    if (info.role === undefined || !info.monitorId) return undefined;
    return `monitor ${info.monitorId}: ${info.role}, lease epoch ${info.epoch ?? 0}, leader ${info.leader || 'none'}`;
  } catch {
    return undefined;
  }
}

/** Registers `thump status`: the monitor's hosts as a table (or JSON). */
export function register(program: Command): void {
  program
    .command('status')
    .description('show the hosts a running monitor knows, as a table or JSON')
    .option('--url <url>', 'monitor HTTP address (default: $THUMP_URL or http://127.0.0.1:8080)')
    .option('--json', 'print the hosts as a JSON array')
    .option('--state <states>', 'only hosts in these states (comma-separated: up,down,left,flapping)')
    .option('--id <glob>', 'only hosts whose id matches the glob (web-*)')
    .option(
      '--label <key=value>',
      'only hosts with this label (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--timeout <duration>',
      'give up after this long, e.g. 5s or 500ms (a bare number is milliseconds)',
      '5s',
    )
    .action(async (opts: StatusOptions) => {
      const timeoutMs = parseTimeoutMs(opts.timeout, '--timeout');
      const q = new URLSearchParams();
      if (opts.state) q.set('state', opts.state);
      if (opts.id) q.set('id', opts.id);
      for (const l of opts.label ?? []) q.append('label', l);
      const hosts = await fetchHosts(opts.url ?? defaultUrl(), q, timeoutMs);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(hosts, null, 2)}\n`);
        return;
      }
      const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const header = await roleHeader(opts.url ?? defaultUrl(), timeoutMs);
      if (header !== undefined) process.stdout.write(`${header}\n`);
      process.stdout.write(formatStatusTable(hosts, Date.now(), colour));
    });
}
