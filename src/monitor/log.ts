import pino from 'pino';
import pretty from 'pino-pretty';
import { formatDuration } from '../util/duration.js';
import type { HostEvent } from './types.js';

/** Fields of event log lines (see Monitor.persist and the event details in core.ts). */
const EVENT_FIELDS = [
  'event',
  'host',
  'id',
  'at',
  'previous',
  'afterMs',
  'lastBeatAt',
  'timeoutMs',
  'noticedAt',
  'source',
  'address',
  'previousBootId',
  'bootId',
  'uptimeSeconds',
  'checkId',
  'severity',
  'severityCode',
  'previousCode',
  'text',
  'count',
  'hostIds',
  'silentForMs',
  'durationMs',
  'hostsMarkedDown',
  // start-up lines whose msg already says it
  'udp',
  'restoredHosts',
];

/**
 * The process logger: human lines through pino-pretty when stdout is a terminal (or
 * `format: 'pretty'`), one JSON object per line otherwise (for journald, Loki, jq).
 */
export function createLogger(
  opts: { format?: 'auto' | 'pretty' | 'json'; level?: string } = {},
): pino.Logger {
  const level = opts.level ?? process.env.THUMP_LOG_LEVEL ?? 'info';
  const fmt = opts.format ?? 'auto';
  const usePretty = fmt === 'pretty' || (fmt === 'auto' && process.stdout.isTTY === true);
  if (usePretty) {
    return pino(
      { level },
      pretty({
        colorize: process.stdout.isTTY === true,
        sync: true,
        // Event lines carry their data as fields for JSON consumers; on a terminal the
        // sentence in `msg` says it all, so one event stays one line.
        ignore: `pid,hostname,${EVENT_FIELDS.join(',')}`,
        translateTime: 'SYS:HH:MM:ss.l',
      }),
    );
  }
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ sync: true }),
  );
}

/** One readable sentence per event, for the log line's `msg`. */
export function describeEvent(e: HostEvent): string {
  const d = e.details;
  const h = e.hostId;
  switch (e.type) {
    case 'new':
      return `new host ${h}${d.address ? ` at ${String(d.address)}` : ''}`;
    case 'up':
      return `host ${h} is up again (was ${String(d.previous ?? 'down')} for ${formatDuration(Number(d.afterMs ?? 0))})`;
    case 'down':
      return `host ${h} is DOWN: no beat for ${formatDuration(Number(d.timeoutMs ?? 0))}`;
    case 'left':
      return `host ${h} left (clean shutdown)`;
    case 'restarted':
      return `host ${h} restarted (uptime ${formatDuration(Number(d.uptimeSeconds ?? 0) * 1000)})`;
    case 'check':
      return `host ${h} check ${String(d.checkId)}: ${String(d.previous)} -> ${String(d.severity)}${d.text ? ` (${String(d.text)})` : ''}`;
    case 'flapping':
      return `host ${h} is flapping; pages are held back until it settles`;
    case 'flapping-stopped':
      return `host ${h} stopped flapping`;
    case 'network':
      return `NETWORK: heard nothing from any of ${String(d.count)} hosts; the monitor's own network is the likely fault (no per-host pages)`;
    case 'network-recovered':
      return `network recovered after ${formatDuration(Number(d.durationMs ?? 0))}`;
    default:
      return `${String(e.type)} ${h}`;
  }
}

/** Log level for an event: problems warn, the rest is info. */
export function eventLevel(e: HostEvent): 'warn' | 'info' {
  if (e.type === 'down' || e.type === 'network' || e.type === 'flapping') return 'warn';
  if (e.type === 'check' && e.details.severityCode !== 0) return 'warn';
  return 'info';
}
