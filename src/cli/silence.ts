import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ResourceError, UsageError } from '../errors.js';
import { parseSilenceRequest, validateSilence } from '../notify/silences.js';
import { formatDuration, parseDuration, parseTimeoutMs } from '../util/duration.js';
import { tryParseIsoTime } from '../util/iso-time.js';

/** A silence as `GET /api/silences` returns it. */
interface SilenceJson {
  id: number;
  hostGlob: string;
  state: string;
  startsAt: string | null;
  endsAt: string | null;
  cron?: string;
  durationMs?: number | null;
  comment: string;
  createdBy: string;
  origin: string;
}

interface CommonFlags {
  url?: string;
  token?: string;
  tokenFile?: string;
  timeout: string;
}

/** Default token file: the one `thump monitor`/`thump start` creates next to its default db. */
const DEFAULT_TOKEN_FILE = './data/api-token';

function baseUrl(flags: CommonFlags): string {
  return flags.url ?? process.env.THUMP_URL ?? 'http://127.0.0.1:8080';
}

/** The bearer token: --token, THUMP_TOKEN, --token-file, or ./data/api-token. */
function token(flags: CommonFlags): string {
  if (flags.token) return flags.token;
  if (process.env.THUMP_TOKEN) return process.env.THUMP_TOKEN;
  const file = flags.tokenFile ?? process.env.THUMP_TOKEN_FILE ?? DEFAULT_TOKEN_FILE;
  try {
    const t = readFileSync(resolve(file), 'utf8').split(/\r?\n/)[0]?.trim() ?? '';
    if (t !== '') return t;
  } catch {
    // fall through to the message below
  }
  throw new UsageError(
    `no API token: pass --token, set THUMP_TOKEN, or --token-file (tried ${file}; the monitor writes api-token next to its db)`,
  );
}

/** One API call; maps unreachable/5xx to ResourceError (exit 1), 4xx to UsageError (exit 2). */
async function call(
  flags: CommonFlags,
  method: string,
  path: string,
  body?: unknown,
  auth = false,
): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(path, baseUrl(flags));
  } catch {
    throw new UsageError(
      `--url: expected a URL such as http://127.0.0.1:8080, got ${JSON.stringify(baseUrl(flags))}`,
    );
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth) headers.authorization = `Bearer ${token(flags)}`;
  const ms = parseTimeoutMs(flags.timeout, '--timeout');
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      signal: AbortSignal.timeout(ms),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const why = cause === 'TimeoutError' ? `no answer within ${formatDuration(ms)}` : cause;
    throw new ResourceError(
      `cannot reach the monitor at ${url.origin} (${why}); is \`thump monitor\` running? pass --url or set THUMP_URL`,
      { cause: err },
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const msg =
      (json as { error?: string; message?: string } | undefined)?.error ??
      (json as { message?: string } | undefined)?.message ??
      `HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403) {
      throw new UsageError(`the monitor refused the token (${res.status}): ${msg}`);
    }
    if (res.status >= 400 && res.status < 500) throw new UsageError(msg);
    throw new ResourceError(`the monitor at ${url.origin} answered ${res.status}: ${msg}`);
  }
  return json;
}

/** Checks a time flag here, so a typo exits 2 naming the flag before the monitor is asked. */
function checkTime(text: string, flag: string): void {
  if (tryParseIsoTime(text) === undefined) {
    throw new UsageError(
      `${flag}: ${JSON.stringify(text)} is not an ISO 8601 time with a timezone; use e.g. 2026-01-31T02:00:00Z or 2026-01-31T03:00:00+01:00`,
    );
  }
}

function describeWindow(s: SilenceJson): string {
  if (s.cron) {
    const d = s.durationMs ? formatDuration(s.durationMs) : '?';
    return `cron "${s.cron}" for ${d}${s.endsAt ? ` until ${s.endsAt}` : ''}`;
  }
  return `${s.startsAt ?? '?'} .. ${s.endsAt ?? 'until removed'}`;
}

/** Widest HOSTS and COMMENT cells of the table; `--json` has the full values. */
export const TABLE_GLOB_WIDTH = 40;
export const TABLE_COMMENT_WIDTH = 60;

/** `text` cut to `width` characters with a trailing `…`, and on one line. */
export function truncateCell(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

/** A plain table for people (long globs and comments cut short); `--json` prints the API's JSON. */
export function formatSilences(list: readonly SilenceJson[]): string {
  if (list.length === 0) return 'no silences\n';
  const rows = list.map((s) => [
    String(s.id),
    s.state,
    truncateCell(s.hostGlob, TABLE_GLOB_WIDTH),
    describeWindow(s),
    s.origin,
    truncateCell(s.comment, TABLE_COMMENT_WIDTH),
  ]);
  const head = ['ID', 'STATE', 'HOSTS', 'WINDOW', 'ORIGIN', 'COMMENT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return `${[head, ...rows].map(line).join('\n')}\n`;
}

function common(cmd: Command): Command {
  // Nested commands do not inherit main's exitOverride: bad flags must still exit 2 via main.
  return cmd
    .exitOverride()
    .option('--url <url>', 'monitor HTTP address (default: $THUMP_URL or http://127.0.0.1:8080)')
    .option('--token <token>', 'API token for write calls (default: $THUMP_TOKEN)')
    .option(
      '--token-file <file>',
      `file holding the API token (default: $THUMP_TOKEN_FILE or ${DEFAULT_TOKEN_FILE})`,
    )
    .option(
      '--timeout <duration>',
      'give up after this long, e.g. 5s or 500ms (a bare number is milliseconds)',
      '5s',
    );
}

/** Which flag of `silence add` sets each body field (for messages about the body). */
const FLAG_OF: Record<string, string> = {
  hostGlob: '--host',
  host: '--host',
  for: '--for',
  until: '--until',
  endsAt: '--for/--until',
  startsAt: '--start',
  cron: '--cron',
  duration: '--duration',
  durationMs: '--duration',
  comment: '--comment',
  createdBy: '$USER',
};

/**
 * Runs the API's own silence schema on the body before sending it, so a silence the monitor
 * would refuse exits 2 here naming the flag, and nothing reaches the monitor.
 */
export function checkSilenceBody(body: Record<string, unknown>, now: number): void {
  try {
    validateSilence(parseSilenceRequest(body, now), now, 'api');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const m = /^silence: (\w+):? (.*)$/s.exec(err.message);
    const flag = m ? FLAG_OF[m[1] as string] : undefined;
    if (!m || flag === undefined) throw err;
    throw new UsageError(`${flag}: ${m[2]}`, { cause: err });
  }
}

interface AddFlags extends CommonFlags {
  host: string;
  for?: string;
  until?: string;
  start?: string;
  cron?: string;
  duration?: string;
  comment?: string;
  json?: boolean;
}

/**
 * Registers `thump silence add|list|remove`: maintenance windows through a running
 * monitor's HTTP API (write calls carry the bearer token).
 */
export function register(program: Command): void {
  const silence = program
    .command('silence')
    .description('add, list or remove silences (maintenance windows) on a running monitor');

  common(
    silence
      .command('add')
      .description('silence hosts: --for 2h | --until ISO | --cron "0 2 * * 0" --duration 1h')
      .requiredOption('--host <glob>', 'host id or glob (web-*, *)')
      .option('--for <duration>', 'silence from now (or --start) for this long, e.g. 2h')
      .option('--until <time>', 'silence until this ISO 8601 time with a timezone, e.g. 2026-01-31T06:00:00Z')
      .option('--start <time>', 'start at this ISO 8601 time (with a timezone) instead of now')
      .option('--cron <expr>', 'recurring: 5-field cron in UTC for each start, e.g. "0 2 * * 0"')
      .option('--duration <duration>', 'with --cron: how long each window lasts, e.g. 1h')
      .option('--comment <text>', 'why (shown in lists and the dashboard)')
      .option('--json', 'print the created silence as JSON'),
  ).action(async (flags: AddFlags) => {
    const given = [flags.for, flags.until, flags.cron].filter((v) => v !== undefined).length;
    if (given !== 1) throw new UsageError('give exactly one of --for, --until or --cron');
    if (flags.cron !== undefined && flags.duration === undefined) {
      throw new UsageError('--cron needs --duration, e.g. --duration 1h');
    }
    if (flags.start !== undefined) checkTime(flags.start, '--start');
    if (flags.until !== undefined) checkTime(flags.until, '--until');
    if (flags.for !== undefined) parseDuration(flags.for, '--for');
    if (flags.duration !== undefined) parseDuration(flags.duration, '--duration');
    const body: Record<string, unknown> = {
      host: flags.host,
      createdBy: `cli:${process.env.USER ?? 'unknown'}`,
    };
    if (flags.for !== undefined) body.for = flags.for;
    if (flags.until !== undefined) body.until = flags.until;
    if (flags.start !== undefined) body.startsAt = flags.start;
    if (flags.cron !== undefined) body.cron = flags.cron;
    if (flags.duration !== undefined) body.duration = flags.duration;
    if (flags.comment !== undefined) body.comment = flags.comment;
    checkSilenceBody(body, Date.now());
    const s = (await call(flags, 'POST', '/api/silences', body, true)) as SilenceJson;
    if (flags.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    else process.stdout.write(`silence ${s.id} added: ${s.hostGlob} ${describeWindow(s)} (${s.state})\n`);
  });

  common(
    silence
      .command('list')
      .description('list active and pending silences (--all adds expired ones)')
      .option('--all', 'include expired silences')
      .option('--json', 'print JSON'),
  ).action(async (flags: CommonFlags & { all?: boolean; json?: boolean }) => {
    const list = (await call(flags, 'GET', `/api/silences${flags.all ? '?all=1' : ''}`)) as SilenceJson[];
    process.stdout.write(flags.json ? `${JSON.stringify(list, null, 2)}\n` : formatSilences(list));
  });

  common(
    silence.command('remove').description('remove a silence by id').argument('<id>', 'silence id'),
  ).action(async (id: string, flags: CommonFlags) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`silence id must be a number, got ${JSON.stringify(id)}`);
    await call(flags, 'DELETE', `/api/silences/${id}`, undefined, true);
    process.stdout.write(`silence ${id} removed\n`);
  });
}
