import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp, STATIC_DIR } from '../src/http/app.js';
import { BEAT_FIELDS, COMPACT_FIELDS } from '../src/http/json.js';
import { EVENT_TYPES, HOST_STATES } from '../src/monitor/types.js';
import { SEVERITY_NAMES } from '../src/protocol/types.js';
import { openStore } from '../src/store/index.js';
import { FakeMonitor } from './support/fake-monitor.js';

/**
 * The dashboard's plain ES modules (static/js, no build step) run here in Node against the
 * server's own lists and answers: a server change the dashboard does not follow (an event
 * type without a description, a renamed row field, a new state) fails this test.
 */
// biome-ignore lint/suspicious/noExplicitAny: untyped browser modules
type Mod = any;
const load = (name: string): Promise<Mod> => import(pathToFileURL(join(STATIC_DIR, 'js', name)).href);

let app: FastifyInstance;
let compact: Mod;
let format: Mod;

beforeAll(async () => {
  const monitor = new FakeMonitor();
  const now = Date.now();
  monitor.setHost(
    {
      id: 'db-1',
      address: '10.0.0.9:43278',
      lastBeatAt: now - 1500,
      uptimeSeconds: 7200,
      load: [0.5, 0.25, 0.125],
      labels: { role: 'db', dc: 'fra1' },
      checks: [
        { id: 'disk:/', severity: 2, text: '97% used' },
        { id: 'temp:cpu', severity: 0, text: '48 C' },
      ],
      flapping: true,
    },
    now,
  );
  monitor.setHost({ id: 'web-1', state: 'down' }, now);
  app = buildHttpApp({
    monitor,
    store: await openStore(':memory:'),
    listen: { host: '127.0.0.1', port: 0 },
  });
  await app.ready();
  compact = await load('compact-host.js');
  format = await load('format.js');
});

afterAll(async () => {
  await app?.close();
});

const get = async (url: string) => (await app.inject({ method: 'GET', url })).json();

describe('the dashboard and the server share one list of each', () => {
  it('serves the server lists at /api/ui/meta', async () => {
    expect(await get('/api/ui/meta')).toEqual({
      eventTypes: [...EVENT_TYPES],
      hostStates: [...HOST_STATES],
      severities: [...SEVERITY_NAMES],
      compactFields: [...COMPACT_FIELDS],
    });
  });

  it('describes, colours and marks every event type the server has', () => {
    for (const type of EVENT_TYPES) {
      expect(format.eventText({ type, details: {} }), type).not.toBe('');
      expect(format.EVENT_TONE[type], type).toBeDefined();
    }
  });

  it('has an icon for every host state and severity', () => {
    for (const s of [...HOST_STATES, 'flapping']) expect(format.STATE_ICON[s], s).toBeTruthy();
    for (const s of SEVERITY_NAMES) expect(format.SEVERITY_ICON[s], s).toBeTruthy();
  });

  it('needs only fields the server sends', () => {
    expect(COMPACT_FIELDS).toEqual(expect.arrayContaining(compact.NEEDED_FIELDS));
  });

  it('decodes /api/ui/hosts rows through their fields to what /api/hosts says', async () => {
    const meta = await get('/api/ui/meta');
    const ui = await get('/api/ui/hosts');
    const full = (await get('/api/hosts')) as Record<string, unknown>[];
    const read = compact.compactReader(ui.fields, meta.severities);
    const rows = ui.rows.map(read);
    expect(rows.map((r: { id: string }) => r.id).sort()).toEqual(full.map((h) => h.id).sort());
    for (const h of full) {
      const r = rows.find((x: { id: string }) => x.id === h.id);
      expect(r).toMatchObject({
        state: h.state,
        address: h.address,
        _beat: h.lastBeatAt ? Date.parse(h.lastBeatAt as string) : 0,
        intervalMs: h.intervalMs,
        uptimeSeconds: h.uptimeSeconds,
        load: h.load,
        checkStatus: h.checkStatus,
        checks: h.checks,
        labels: h.labels,
        flapping: h.flapping,
        silencedBy: h.silencedBy,
        source: h.source,
      });
    }
  });

  it('decodes the same whatever the field order, and names a missing field', async () => {
    const ui = await get('/api/ui/hosts');
    const plain = ui.rows.map(compact.compactReader(ui.fields, SEVERITY_NAMES));
    const order = ui.fields.map((_: string, i: number) => i).reverse();
    const shuffled = compact.compactReader(
      order.map((i: number) => ui.fields[i]),
      SEVERITY_NAMES,
    );
    expect(ui.rows.map((r: unknown[]) => shuffled(order.map((i: number) => r[i])))).toEqual(plain);
    const renamed = ui.fields.map((f: string) => (f === 'labels' ? 'tags' : f));
    expect(() => compact.compactReader(renamed, SEVERITY_NAMES)).toThrow(/lack the field\(s\) labels/);
  });

  it('reads SSE beat rows by the fields the server sends, in any order', () => {
    expect(BEAT_FIELDS).toEqual(expect.arrayContaining(compact.BEAT_NEEDED_FIELDS));
    const row = ['web-1', 1234, 42, 0.5, 'up', 2];
    const want = {
      id: 'web-1',
      lastBeatAt: 1234,
      uptimeSeconds: 42,
      load1: 0.5,
      state: 'up',
      worstSeverity: 2,
    };
    expect(compact.beatReader([...BEAT_FIELDS])(row)).toEqual(want);
    const order = [...BEAT_FIELDS].map((_, i) => i).reverse();
    const reversed = compact.beatReader(order.map((i) => BEAT_FIELDS[i]));
    expect(reversed(order.map((i) => row[i]))).toEqual(want);
    expect(() => compact.beatReader(['id', 'lastBeatAt'])).toThrow(
      /beat rows lack the field\(s\) uptimeSeconds/,
    );
  });
});
