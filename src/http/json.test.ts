import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore } from '../store/index.js';
import { ManualClock } from '../util/clock.js';
import { buildHttpApp } from './app.js';
import { HOST_JSON_SCHEMA, hostJson } from './json.js';
import { openApiDocument } from './openapi.js';
import { sweptHostView } from './swept-hosts.js';

const T0 = Date.parse('2026-05-01T00:00:00.000Z');

/** The host record's schema as the OpenAPI document publishes it. */
function publishedHostSchema(): Record<string, unknown> {
  const doc = openApiDocument('test') as { components: { schemas: Record<string, Record<string, unknown>> } };
  return doc.components.schemas.Host as Record<string, unknown>;
}

function validator() {
  // Formats (date-time) are documentation here; the shape and the types are what drift.
  const ajv = new Ajv({ allErrors: true, validateFormats: false, strict: false });
  return ajv.compile(publishedHostSchema());
}

const agent = () => {
  const m = new FakeMonitor();
  return m.setHost(
    { id: 'web-1', labels: { role: 'web' }, checks: [{ id: 'disk:/', severity: 2, text: 'full' }] },
    T0,
  );
};

const swept = sweptHostView(
  {
    target: 'root@nas:22',
    host: 'nas',
    state: 'down',
    stateSince: T0,
    runId: 'r',
    everyMs: 60_000,
    result: {
      status: 'error',
      target: 'root@nas:22',
      host: 'nas',
      at: T0,
      durationMs: 5,
      errorClass: 'timeout',
      message: 'no answer',
    },
  },
  'nas',
);

describe('the host record, one definition', () => {
  it('is published in the OpenAPI document as the schema json.ts defines', () => {
    expect(publishedHostSchema()).toBe(HOST_JSON_SCHEMA);
  });

  it.each([
    ['an agent host', () => hostJson(agent(), T0 + 1000, 7)],
    ['a swept host with a failed probe', () => hostJson(swept, T0 + 1000)],
  ])('serializes %s to exactly the documented properties, each of the documented type', (_, make) => {
    const json = make();
    const validate = validator();
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const documented = Object.keys(HOST_JSON_SCHEMA.properties);
    for (const k of Object.keys(json)) expect(documented, `undocumented property ${k}`).toContain(k);
    // Every documented property but the swept-only one is always sent.
    for (const k of documented) if (k !== 'sweepError') expect(json, `missing ${k}`).toHaveProperty(k);
  });

  it('fails validation when a property has another type (the check can fail)', () => {
    const json = { ...hostJson(agent(), T0), seq: 'one' };
    expect(validator()(json)).toBe(false);
  });

  it('is what /api/hosts and /api/hosts/{id} answer', async () => {
    const store = await openStore(':memory:');
    const monitor = new FakeMonitor(store);
    monitor.setHost({ id: 'web-1', checks: [{ id: 'raid', severity: 1, text: 'degraded' }] }, T0);
    const app = buildHttpApp({
      monitor,
      store,
      listen: { host: '127.0.0.1', port: 0 },
      clock: new ManualClock(T0 + 500),
    });
    try {
      const validate = validator();
      const list = (await app.inject({ url: '/api/hosts' })).json() as unknown[];
      expect(list).toHaveLength(1);
      for (const h of list) expect(validate(h), JSON.stringify(validate.errors)).toBe(true);
      const one = (await app.inject({ url: '/api/hosts/web-1' })).json() as Record<string, unknown>;
      const { events: _e, beats: _b, ...record } = one;
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
      expect(record).toEqual(list[0]);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
