import { z } from 'zod';
import { duration } from '../../config/zod.js';
import type { HostEvent } from '../../monitor/types.js';
import { SEVERITY_NAMES } from '../../protocol/types.js';
import { systemClock } from '../../util/clock.js';
import { postJson } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import {
  defineNotifier,
  httpSendOptions,
  httpUrl,
  notifierSchema,
  secretShape,
  usernamePasswordRule,
} from './define.js';
import { iso, joinUrl, truncate } from './format.js';
import { resolveHttpAuth } from './secrets.js';

/** One alert of Alertmanager's v2 API (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml). */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertOptions {
  /** Extra labels on every alert (e.g. `team: ops`); event labels win on conflicts. */
  labels: Record<string, string>;
  /** How long a firing alert stays firing unless thump re-sends it (reminders) or resolves it. */
  firingTtlMs: number;
  /** Base URL for `generatorURL` links (the thump dashboard). */
  externalUrl?: string;
}

/** What an event means to Alertmanager: fire or resolve which alert, or nothing. */
interface Mapping {
  alertname: string;
  severity: string;
  firing: boolean;
  extra?: Record<string, string>;
  summary: string;
}

function checkSeverity(v: unknown): string {
  if (typeof v === 'number') return SEVERITY_NAMES[v] ?? 'unknown';
  return typeof v === 'string' && v !== '' ? v : 'unknown';
}

function mapEvent(e: HostEvent): Mapping[] {
  const host = e.hostId;
  switch (e.type) {
    case 'down':
      return [{ alertname: 'HostDown', severity: 'critical', firing: true, summary: `${host} is down` }];
    case 'up':
      return [{ alertname: 'HostDown', severity: 'critical', firing: false, summary: `${host} is up again` }];
    case 'left':
      // A clean goodbye is not an outage: clear any HostDown still firing for the host.
      return [
        {
          alertname: 'HostDown',
          severity: 'critical',
          firing: false,
          summary: `${host} left (clean shutdown)`,
        },
      ];
    case 'flapping':
      return [
        { alertname: 'HostFlapping', severity: 'warning', firing: true, summary: `${host} is flapping` },
      ];
    case 'flapping-stopped':
      return [
        {
          alertname: 'HostFlapping',
          severity: 'warning',
          firing: false,
          summary: `${host} stopped flapping`,
        },
      ];
    case 'network':
      return [
        {
          alertname: 'ThumpNetworkSuspect',
          severity: 'critical',
          firing: true,
          summary: `${String(e.details.count ?? 'many')} hosts fell silent at once: the monitor's network is suspect`,
        },
      ];
    case 'network-recovered':
      return [
        {
          alertname: 'ThumpNetworkSuspect',
          severity: 'critical',
          firing: false,
          summary: "the monitor's network recovered",
        },
      ];
    case 'check': {
      // Severity is part of the label set that identifies an alert, so a change from
      // warning to critical resolves the warning alert and fires the critical one.
      const checkId = String(e.details.checkId ?? e.details.check ?? 'check');
      const severity = checkSeverity(e.details.severity);
      const previous = e.details.previous === undefined ? undefined : checkSeverity(e.details.previous);
      const text = typeof e.details.text === 'string' ? e.details.text : '';
      const summary = `${host} check ${checkId}: ${severity}${text ? ` - ${text}` : ''}`;
      const extra = { check: checkId };
      const out: Mapping[] = [];
      if (previous !== undefined && previous !== 'ok' && previous !== severity) {
        out.push({ alertname: 'HostCheckFailed', severity: previous, firing: false, extra, summary });
      }
      if (severity !== 'ok')
        out.push({ alertname: 'HostCheckFailed', severity, firing: true, extra, summary });
      return out;
    }
    default:
      // new, restarted: information, not alerts.
      return [];
  }
}

/**
 * The alerts for one batch. Firing alerts get `endsAt = now + firing_ttl` (Alertmanager
 * would otherwise resolve them after its `resolve_timeout`, as thump does not re-send every
 * minute like Prometheus); resolving events send the same labels with `endsAt = event time`.
 * A `test` batch fires a `ThumpTest` alert that ends by itself after five minutes.
 */
export function alertmanagerAlerts(batch: NotificationBatch, now: number, opts: AlertOptions): AmAlert[] {
  const generator = (host: string): Record<string, string> =>
    opts.externalUrl
      ? { generatorURL: joinUrl(opts.externalUrl, host ? `/#host=${encodeURIComponent(host)}` : '/') }
      : {};
  if (batch.kind === 'test') {
    return [
      {
        labels: { ...opts.labels, alertname: 'ThumpTest', severity: 'none' },
        annotations: { summary: truncate(batch.title, 1000), description: truncate(batch.text, 4000) },
        startsAt: iso(now),
        endsAt: iso(now + 5 * 60_000),
        ...generator(''),
      },
    ];
  }
  const out: AmAlert[] = [];
  for (const e of batch.events) {
    for (const m of mapEvent(e)) {
      const labels: Record<string, string> = {
        ...opts.labels,
        alertname: m.alertname,
        severity: m.severity,
        ...(e.hostId ? { host: e.hostId } : {}),
        ...m.extra,
      };
      const annotations = { summary: truncate(m.summary, 1000), thump_event_id: String(e.id) };
      const link = generator(e.hostId);
      out.push(
        m.firing
          ? {
              labels,
              annotations,
              startsAt: iso(e.at),
              endsAt: iso(Math.max(now, e.at) + opts.firingTtlMs),
              ...link,
            }
          : { labels, annotations, endsAt: iso(e.at), ...link },
      );
    }
  }
  return out;
}

const configSchema = notifierSchema(
  'alertmanager',
  {
    /** Alertmanager's base URL; alerts go to `<url>/api/v2/alerts`. */
    url: httpUrl().default('http://127.0.0.1:9093'),
    labels: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name'), z.string())
      .default({}),
    /** Keep longer than grouping.repeat_interval, whose reminders refresh firing alerts. */
    firing_ttl: duration().default(24 * 3_600_000),
    external_url: httpUrl().optional(),
    /** Bearer token, or basic auth with username + password (e.g. behind a reverse proxy). */
    ...secretShape('token'),
    username: z.string().min(1).optional(),
    ...secretShape('password'),
  },
  [
    { key: 'token', required: false },
    { key: 'password', required: false },
  ],
).superRefine(usernamePasswordRule);

/**
 * `alertmanager`: thump events become Prometheus Alertmanager alerts, so its routing,
 * inhibition, silences and receivers apply.
 */
export const alertmanager = defineNotifier({
  type: 'alertmanager',
  configSchema,
  create(config, ctx) {
    const { headers, redact } = resolveHttpAuth(config, ctx);
    const url = joinUrl(config.url, '/api/v2/alerts');
    const clock = ctx.clock ?? systemClock;
    const opts: AlertOptions = {
      labels: config.labels,
      firingTtlMs: config.firing_ttl,
      ...(config.external_url ? { externalUrl: config.external_url } : {}),
    };
    return {
      name: config.name,
      type: 'alertmanager',
      async send(batch, signal) {
        const alerts = alertmanagerAlerts(batch, clock.now(), opts);
        if (alerts.length === 0) return; // only informational events (new, left, restarted)
        await postJson(
          url,
          alerts,
          httpSendOptions(config, ctx, signal, { headers, redact, showPath: true }),
        );
      },
    };
  },
});
