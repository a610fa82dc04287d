/**
 * The HTTP layer's shared shapes, defined once: the host record (the full JSON of
 * `/api/hosts`, `/api/hosts/{id}`, SSE `event` messages and `thump status`; its OpenAPI
 * schema, checked against the type at compile time and against {@link hostJson}'s output
 * in json.test.ts), the dashboard's compact rows and SSE beat rows with their field names,
 * and the event JSON. Imports no route, so every route and the live hub can import it.
 */
import { HOST_STATES, type HostEvent, type HostSource, type HostView } from '../monitor/types.js';
import { SEVERITY_NAMES, type SeverityName } from '../protocol/types.js';
import type { SweepErrorClass } from '../sweep/types.js';

/** Why the last probe of a swept host failed. */
export interface SweepError {
  class: SweepErrorClass;
  message: string;
}

/** A host view that may come from a sweep; `sweepError` is set on swept hosts only. */
export type ListedHost = HostView & { sweepError?: SweepError | null };

/**
 * What {@link iso} shows for a stored time no Date can hold (e.g. a silence end of 8.64e19 ms
 * written before inputs were bounded): a placeholder, never a RangeError (HTTP 500).
 */
export const INVALID_TIME = 'invalid-time';

/** The largest ms value a Date holds (ECMA-262 TimeClip: ±8.64e15). */
const MAX_DATE_MS = 8.64e15;

/** ms epoch -> ISO 8601, `null` for "never" (0 or missing), {@link INVALID_TIME} beyond any Date. */
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || ms <= 0 || Number.isNaN(ms)) return null;
  if (ms > MAX_DATE_MS) return INVALID_TIME;
  return new Date(ms).toISOString();
}

/** One host as the API shows it: the monitor's view with ISO timestamps and named severities. */
export interface HostJson {
  id: string;
  state: HostView['state'];
  source: HostView['source'];
  address: string;
  firstSeenAt: string | null;
  lastBeatAt: string | null;
  stateSince: string | null;
  /** Milliseconds since the last beat, at the time of the answer. */
  lastBeatAgeMs: number | null;
  bootId: string;
  seq: number;
  intervalMs: number;
  timeoutMs: number;
  uptimeSeconds: number;
  load: [number, number, number];
  memTotalBytes: number;
  memAvailableBytes: number;
  diskTotalBytes: number;
  diskUsedBytes: number;
  /** Worst hardware-check severity (`ok` when there are no checks). */
  checkStatus: SeverityName;
  checks: { id: string; severity: SeverityName; text: string }[];
  labels: Record<string, string>;
  flapping: boolean;
  /** Id of the silence covering this host now (its events are recorded, not notified), or null. */
  silencedBy: number | null;
  /**
   * Swept (agentless, `source: 'sweep'`) hosts only: why the last probe failed
   * (`{ class, message }`), or null after an ok probe. Absent on agent hosts.
   */
  sweepError?: SweepError | null;
}

/** The worst check severity of a host (0 = ok ... 3 = unknown), 0 without checks. */
export function worstSeverity(h: Pick<HostView, 'checks'>): number {
  let worst = 0;
  for (const c of h.checks) if (c.severity > worst) worst = c.severity;
  return worst;
}

/** A host as the API shows it; `now` gives `lastBeatAgeMs`, `silencedBy` the covering silence. */
export function hostJson(h: ListedHost, now: number, silencedBy: number | null = null): HostJson {
  const worst = worstSeverity(h);
  const out: HostJson = {
    id: h.id,
    state: h.state,
    source: h.source,
    address: h.address,
    firstSeenAt: iso(h.firstSeenAt),
    lastBeatAt: iso(h.lastBeatAt),
    stateSince: iso(h.stateSince),
    lastBeatAgeMs: h.lastBeatAt > 0 ? Math.max(0, Math.round(now - h.lastBeatAt)) : null,
    bootId: h.bootId,
    seq: h.seq,
    intervalMs: h.intervalMs,
    timeoutMs: h.timeoutMs,
    uptimeSeconds: h.uptimeSeconds,
    load: h.load,
    memTotalBytes: h.memTotalBytes,
    memAvailableBytes: h.memAvailableBytes,
    diskTotalBytes: h.diskTotalBytes,
    diskUsedBytes: h.diskUsedBytes,
    checkStatus: SEVERITY_NAMES[worst] ?? 'unknown',
    checks: h.checks.map((c) => ({
      id: c.id,
      severity: SEVERITY_NAMES[c.severity] ?? 'unknown',
      text: c.text,
    })),
    labels: h.labels,
    flapping: h.flapping,
    silencedBy,
  };
  if (h.sweepError !== undefined) out.sweepError = h.sweepError;
  return out;
}

/** One event as the API and SSE stream show it. */
export interface EventJson {
  id: number;
  type: HostEvent['type'];
  hostId: string;
  at: string | null;
  details: Record<string, unknown>;
}

/** An event with an ISO time. */
export function eventJson(e: HostEvent): EventJson {
  return { id: e.id, type: e.type, hostId: e.hostId, at: iso(e.at), details: e.details };
}

/**
 * The dashboard's compact host row (one array per host, numbers instead of ISO strings):
 * `[id, state, address, lastBeatAt ms, intervalMs, uptimeSeconds, load1, load5, load15,
 * worstSeverity 0-3, checks [[id, severity 0-3, text]], labels, flapping 0|1, silence id or 0,
 * source, sweep error (`class: message` of a swept host's failed probe, else '')]`.
 * About a quarter of the full JSON, so 10,000 hosts load in one quick request.
 */
export type CompactHost = [
  string,
  HostView['state'],
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  [string, number, string][],
  Record<string, string>,
  0 | 1,
  number,
  HostView['source'],
  string,
];

export const COMPACT_FIELDS = [
  'id',
  'state',
  'address',
  'lastBeatAt',
  'intervalMs',
  'uptimeSeconds',
  'load1',
  'load5',
  'load15',
  'worstSeverity',
  'checks',
  'labels',
  'flapping',
  'silencedBy',
  'source',
  'sweepError',
] as const;

/** One host as a compact row, in {@link COMPACT_FIELDS} order. */
export function compactHost(h: ListedHost, silencedBy: number | null = null): CompactHost {
  const worst = worstSeverity(h);
  return [
    h.id,
    h.state,
    h.address,
    h.lastBeatAt,
    h.intervalMs,
    h.uptimeSeconds,
    h.load[0],
    h.load[1],
    h.load[2],
    worst,
    h.checks.map((c) => [c.id, c.severity, c.text]),
    h.labels,
    h.flapping ? 1 : 0,
    silencedBy ?? 0,
    h.source,
    h.sweepError ? `${h.sweepError.class}: ${h.sweepError.message}` : '',
  ];
}

/**
 * The SSE `beats` row of a host that beat since the previous tick, in {@link BEAT_FIELDS}
 * order (sent with the rows, as `/api/ui/hosts` sends {@link COMPACT_FIELDS}).
 */
export type BeatRow = [string, number, number, number, HostView['state'], number];

export const BEAT_FIELDS = ['id', 'lastBeatAt', 'uptimeSeconds', 'load1', 'state', 'worstSeverity'] as const;

/** One host as a beat row. */
export function beatRow(h: HostView): BeatRow {
  return [h.id, h.lastBeatAt, h.uptimeSeconds, h.load[0], h.state, worstSeverity(h)];
}

/** Every host source (a Record, so a source added to the type must be added here). */
const HOST_SOURCES = Object.keys({ agent: 0, legacy: 0, sweep: 0 } satisfies Record<HostSource, 0>);

/** A time in answers (JSON Schema): ISO 8601, null for never, or {@link INVALID_TIME}. */
export const ISO_SCHEMA = {
  type: ['string', 'null'],
  format: 'date-time',
  description: `ISO 8601; null for never; "${INVALID_TIME}" for a stored time beyond any Date`,
};
const isoSchema = ISO_SCHEMA;
const severitySchema = { enum: [...SEVERITY_NAMES] } as const;

/**
 * The OpenAPI (JSON Schema) of {@link HostJson}: `satisfies` makes the compiler refuse a
 * property the type lacks or a type property left out; json.test.ts validates
 * {@link hostJson}'s output against it. Open at the top (`/api/hosts/{id}` adds `events`
 * and `beats` through `allOf`).
 */
export const HOST_JSON_SCHEMA = {
  type: 'object',
  required: ['id', 'state', 'address', 'lastBeatAt', 'uptimeSeconds', 'intervalMs'],
  properties: {
    id: { type: 'string' },
    state: { enum: [...HOST_STATES] },
    source: { enum: [...HOST_SOURCES] },
    address: { type: 'string', description: 'ip:port of the last valid beat ([v6]:port for IPv6)' },
    firstSeenAt: isoSchema,
    lastBeatAt: isoSchema,
    stateSince: isoSchema,
    lastBeatAgeMs: { type: ['integer', 'null'] },
    bootId: { type: 'string' },
    seq: { type: 'integer' },
    intervalMs: { type: 'integer' },
    timeoutMs: { type: 'integer' },
    uptimeSeconds: { type: 'number' },
    load: { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 },
    memTotalBytes: { type: 'integer' },
    memAvailableBytes: { type: 'integer' },
    diskTotalBytes: { type: 'integer' },
    diskUsedBytes: { type: 'integer' },
    checkStatus: severitySchema,
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'severity', 'text'],
        properties: { id: { type: 'string' }, severity: severitySchema, text: { type: 'string' } },
        additionalProperties: false,
      },
    },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    flapping: { type: 'boolean' },
    silencedBy: { type: ['integer', 'null'], description: 'id of the silence covering the host now' },
    sweepError: {
      type: ['object', 'null'],
      description:
        "swept hosts only (source 'sweep'): class and message of the last failed probe, null after an ok one",
      required: ['class', 'message'],
      properties: { class: { type: 'string' }, message: { type: 'string' } },
      additionalProperties: false,
    },
  } satisfies { [K in keyof Required<HostJson>]: object },
} as const;
