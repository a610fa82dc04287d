import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../src/monitor/types.js';
import { alertmanagerAlerts } from '../src/notify/notifiers/alertmanager.js';
import { createNotifier, notifierConfigSchema } from '../src/notify/notifiers/index.js';
import { ManualClock } from '../src/util/clock.js';
import { type AlertmanagerProc, startAlertmanager } from './support/notify-alertmanager.js';
import { notifierConformance } from './support/notify-conformance.js';
import { downEvent, sampleBatch, T0 } from './support/notify-fixtures.js';
import { waitFor } from './support/proc.js';

const TOKEN = 'am-bearer-secret-77';

notifierConformance({
  type: 'alertmanager',
  config: (base) => ({ name: 'am', type: 'alertmanager', url: base, token: TOKEN }),
  secrets: () => [TOKEN],
});

const opts = { labels: { team: 'ops' }, firingTtlMs: 3_600_000 };
const ev = (
  id: number,
  type: HostEvent['type'],
  hostId: string,
  details: Record<string, unknown> = {},
): HostEvent => ({
  id,
  type,
  hostId,
  at: T0,
  details,
});

describe('alertmanager notifier: alert mapping', () => {
  it('fires HostDown with alertname, host and severity labels and a TTL-bound endsAt', () => {
    const [a] = alertmanagerAlerts(sampleBatch(), T0 + 10_000, opts);
    expect(a).toEqual({
      labels: { team: 'ops', alertname: 'HostDown', severity: 'critical', host: 'web-1' },
      annotations: { summary: 'web-1 is down', thump_event_id: '11' },
      startsAt: '2026-11-23T18:00:00.000Z',
      endsAt: '2026-11-23T19:00:10.000Z',
    });
  });

  it('resolves with the same labels and endsAt at the up event', () => {
    const alerts = alertmanagerAlerts(
      sampleBatch({ kind: 'resolved', events: [ev(20, 'up', 'web-1')] }),
      T0 + 60_000,
      opts,
    );
    expect(alerts).toEqual([
      {
        labels: { team: 'ops', alertname: 'HostDown', severity: 'critical', host: 'web-1' },
        annotations: { summary: 'web-1 is up again', thump_event_id: '20' },
        endsAt: '2026-11-23T18:00:00.000Z',
      },
    ]);
  });

  it('maps check severity changes: warning to critical resolves the warning alert and fires the critical one', () => {
    const alerts = alertmanagerAlerts(
      sampleBatch({
        events: [
          ev(30, 'check', 'db-1', {
            checkId: 'raid',
            severity: 'critical',
            previous: 'warning',
            severityCode: 2,
            previousCode: 1,
            text: 'md0 degraded',
          }),
        ],
      }),
      T0,
      opts,
    );
    expect(
      alerts.map((a) => [a.labels.check, a.labels.severity, 'startsAt' in a ? 'firing' : 'resolved']),
    ).toEqual([
      ['raid', 'warning', 'resolved'],
      ['raid', 'critical', 'firing'],
    ]);
    expect(alerts[1]?.annotations.summary).toBe('db-1 check raid: critical - md0 degraded');
  });

  it('resolves HostDown when a host leaves cleanly and a check returning to ok resolves its alert', () => {
    const alerts = alertmanagerAlerts(
      sampleBatch({
        kind: 'resolved',
        events: [
          ev(40, 'left', 'web-3', { previous: 'down' }),
          ev(41, 'check', 'db-1', { checkId: 'disk:/', severity: 0, previous: 2, text: 'ok' }),
        ],
      }),
      T0,
      opts,
    );
    expect(alerts.map((a) => [a.labels.alertname, a.labels.severity, 'startsAt' in a])).toEqual([
      ['HostDown', 'critical', false],
      ['HostCheckFailed', 'critical', false],
    ]);
  });

  it('sends nothing for informational events and a self-ending ThumpTest alert for a test batch', () => {
    expect(
      alertmanagerAlerts(sampleBatch({ events: [ev(1, 'new', 'a'), ev(2, 'restarted', 'a')] }), T0, opts),
    ).toEqual([]);
    const [t] = alertmanagerAlerts(sampleBatch({ kind: 'test', events: [] }), T0, opts);
    expect(t?.labels.alertname).toBe('ThumpTest');
    expect(t?.endsAt).toBe('2026-11-23T18:05:00.000Z');
  });

  it('raises a fleet-wide alert without a host label for a network event', () => {
    const [a] = alertmanagerAlerts(sampleBatch({ events: [ev(5, 'network', '', { count: 40 })] }), T0, opts);
    expect(a?.labels).toEqual({ team: 'ops', alertname: 'ThumpNetworkSuspect', severity: 'critical' });
  });
});

describe('alertmanager notifier against a real Alertmanager', () => {
  let am: AlertmanagerProc;
  beforeAll(async () => {
    am = await startAlertmanager();
  });
  afterAll(async () => {
    await am?.stop();
  });

  it('makes down events firing alerts there and resolves them on up', async () => {
    const clock = new ManualClock(Date.now());
    const n = createNotifier(
      notifierConfigSchema.parse({ name: 'am', type: 'alertmanager', url: am.url, labels: { team: 'ops' } }),
      { clock },
    );
    const at = clock.now() - 5_000;
    await n.send(
      sampleBatch({ events: [downEvent(1, 'web-1', at), downEvent(2, 'web-2', at)] }),
      new AbortController().signal,
    );
    const firing = await waitFor(async () => {
      const list = await am.alerts();
      return list.length === 2 ? list : undefined;
    }, 'two alerts in Alertmanager');
    expect(firing.map((a) => a.labels.host).sort()).toEqual(['web-1', 'web-2']);
    for (const a of firing) {
      expect(a.labels).toMatchObject({ alertname: 'HostDown', severity: 'critical', team: 'ops' });
      expect(a.status.state).toBe('active');
    }

    await n.send(
      sampleBatch({ kind: 'resolved', events: [{ ...downEvent(3, 'web-1', Date.now()), type: 'up' }] }),
      new AbortController().signal,
    );
    const left = await waitFor(async () => {
      const list = await am.alerts();
      return list.length === 1 ? list : undefined;
    }, 'web-1 to be resolved in Alertmanager');
    expect(left[0]?.labels.host).toBe('web-2');
  });

  it('reports a wrong base URL as a permanent http-4xx from the real server', async () => {
    const wrong = createNotifier(
      notifierConfigSchema.parse({ name: 'am', type: 'alertmanager', url: `${am.url}/nope` }),
    );
    await expect(wrong.send(sampleBatch(), new AbortController().signal)).rejects.toMatchObject({
      reason: 'http-4xx',
      retryable: false,
      status: 404,
    });
  });
});
