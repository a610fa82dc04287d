import { type ClientRequest, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { openStore, type Store } from '../store/index.js';
import { buildHttpApp } from './app.js';

interface Stream {
  status: number;
  text: () => string;
  messages: () => { id?: string; event: string; data: unknown }[];
  req: ClientRequest;
  pause: () => void;
}

const open: Stream[] = [];

function connect(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('error', () => {});
      const s: Stream = {
        status: res.statusCode ?? 0,
        text: () => text,
        messages: () =>
          text
            .split('\n\n')
            .filter((block) => block.includes('data: '))
            .map((block) => {
              const f: Record<string, string> = {};
              for (const line of block.split('\n')) {
                const i = line.indexOf(': ');
                if (i > 0) f[line.slice(0, i)] = line.slice(i + 2);
              }
              return { id: f.id, event: f.event ?? 'message', data: JSON.parse(f.data ?? 'null') };
            }),
        req,
        pause: () => res.pause(),
      };
      open.push(s);
      resolve(s);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let close: (() => Promise<unknown>) | undefined;

afterEach(async () => {
  for (const s of open.splice(0)) s.req.destroy();
  await close?.();
  close = undefined;
});

/** A fake monitor whose events go to a fresh in-memory store. */
async function fake(): Promise<FakeMonitor> {
  return new FakeMonitor(await openStore(':memory:'));
}

async function serve(monitor: FakeMonitor, sse = {}, store: Store = monitor.store as Store) {
  const app = buildHttpApp({
    monitor,
    store,
    listen: { host: '127.0.0.1', port: 0 },
    sse,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await monitor.store?.close();
  };
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, app };
}

describe('GET /api/stream', () => {
  it('pushes each event with its id and the host it is about', async () => {
    const monitor = await fake();
    monitor.setHost({ id: 'web-1' });
    const { url } = await serve(monitor);
    const s = await connect(`${url}/api/stream`);
    expect(s.status).toBe(200);
    await until(() => s.text().includes('retry:'), 'the stream preamble');
    monitor.setHost({ id: 'web-1', state: 'down' });
    await monitor.emit({ type: 'down', hostId: 'web-1', at: Date.now(), details: {} });
    await until(() => s.messages().some((m) => m.event === 'event'), 'the event message');
    const m = s.messages().find((x) => x.event === 'event');
    expect(m?.id).toBe('1');
    expect(m?.data).toMatchObject({
      event: { id: 1, type: 'down', hostId: 'web-1' },
      host: { state: 'down' },
    });
  });

  it('replays events after Last-Event-ID before live ones', async () => {
    const monitor = await fake();
    for (let i = 0; i < 4; i++)
      await monitor.emit({ type: 'up', hostId: `h${i}`, at: Date.now(), details: {} });
    const { url } = await serve(monitor);
    const s = await connect(`${url}/api/stream`, { 'last-event-id': '2' });
    await until(() => s.messages().length >= 2, 'two replayed events');
    await monitor.emit({ type: 'down', hostId: 'h0', at: Date.now(), details: {} });
    await until(() => s.messages().length >= 3, 'the live event');
    expect(s.messages().map((m) => m.id)).toEqual(['3', '4', '5']);
  });

  it('neither loses nor repeats an event recorded while the replay is being read', async () => {
    const monitor = await fake();
    const store = monitor.store as Store;
    for (let i = 0; i < 3; i++)
      await monitor.emit({ type: 'up', hostId: `h${i}`, at: Date.now(), details: {} });
    // Hold the catch-up read until two more events are recorded and broadcast: one the
    // read will see too (recorded before it runs), one only the live stream has.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let reading = false;
    const events: Store['events'] = Object.assign(Object.create(store.events), {
      list: async (q: Parameters<Store['events']['list']>[0]) => {
        reading = true;
        await gate;
        return store.events.list(q);
      },
    });
    const slow: Store = Object.assign(Object.create(store), { events });
    const { url } = await serve(monitor, {}, slow);
    const s = await connect(`${url}/api/stream`, { 'last-event-id': '1' });
    await until(() => reading, 'the catch-up read to start');
    await monitor.emit({ type: 'down', hostId: 'h0', at: Date.now(), details: {} });
    release();
    await until(() => s.messages().length >= 3, 'the replay and the live event');
    await monitor.emit({ type: 'up', hostId: 'h0', at: Date.now(), details: {} });
    await until(() => s.messages().length >= 4, 'the next live event');
    expect(s.messages().map((m) => m.id)).toEqual(['2', '3', '4', '5']);
  });

  it('tells a client that missed too much to reload', async () => {
    const monitor = await fake();
    for (let i = 0; i < 1005; i++)
      await monitor.emit({ type: 'up', hostId: 'h', at: Date.now(), details: {} });
    const { url } = await serve(monitor);
    const s = await connect(`${url}/api/stream?lastEventId=1`);
    await until(() => s.messages().length >= 1, 'the reset message');
    expect(s.messages().map((m) => m.event)).toEqual(['reset']);
  });

  it('rejects a malformed Last-Event-ID with 400', async () => {
    const { url } = await serve(await fake());
    const s = await connect(`${url}/api/stream`, { 'last-event-id': 'bogus' });
    expect(s.status).toBe(400);
  });

  it('sends fresh beat data and keep-alive comments', async () => {
    const monitor = await fake();
    monitor.setHost({ id: 'web-1', lastBeatAt: 1000 });
    const { url } = await serve(monitor, { beatPeriodMs: 30, heartbeatMs: 60 });
    const s = await connect(`${url}/api/stream`);
    await until(() => s.text().includes('retry:'), 'the stream preamble');
    monitor.setHost({ id: 'web-1', lastBeatAt: 2000, uptimeSeconds: 42 });
    await until(() => s.messages().some((m) => m.event === 'beats'), 'a beats message');
    const beats = s.messages().find((m) => m.event === 'beats')?.data as {
      fields: string[];
      rows: unknown[][];
    };
    expect(beats.fields).toEqual(['id', 'lastBeatAt', 'uptimeSeconds', 'load1', 'state', 'worstSeverity']);
    expect(beats.rows).toEqual([['web-1', 2000, 42, 0.1, 'up', 0]]);
    await until(() => s.text().includes(': ping'), 'a keep-alive comment');
  });

  it('sends the beats that came after the client snapshot (beatsSince)', async () => {
    const monitor = await fake();
    monitor.setHost({ id: 'old', lastBeatAt: 1000 });
    monitor.setHost({ id: 'fresh', lastBeatAt: 5000 });
    const { url } = await serve(monitor, { beatPeriodMs: 60_000 });
    const s = await connect(`${url}/api/stream?beatsSince=2000`);
    await until(() => s.messages().some((m) => m.event === 'beats'), 'the catch-up beats');
    const beats = s.messages().find((m) => m.event === 'beats')?.data as { rows: unknown[][] };
    expect(beats.rows.map((r) => r[0])).toEqual(['fresh']);
  });

  it('does not read the fleet every tick while nobody is connected', async () => {
    const monitor = await fake();
    monitor.setHost({ id: 'a' });
    let reads = 0;
    const hosts = monitor.hosts.bind(monitor);
    monitor.hosts = () => {
      reads++;
      return hosts();
    };
    const { url } = await serve(monitor, { beatPeriodMs: 20 });
    await new Promise((r) => setTimeout(r, 200));
    const idleReads = reads;
    expect(idleReads).toBeLessThanOrEqual(1);
    const s = await connect(`${url}/api/stream`);
    await until(() => s.text().includes('retry:'), 'the stream preamble');
    await until(() => reads > idleReads + 3, 'ticks while a client is connected');
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const monitor = await fake();
    const { url, app } = await serve(monitor, { maxBufferBytes: 64 * 1024 });
    const s = await connect(`${url}/api/stream`);
    s.pause();
    const info = async () => (await app.inject({ url: '/api/info' })).json().sseClients as number;
    await until(() => true, 'noop');
    expect(await info()).toBe(1);
    const big = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 4000 && (await info()) > 0; i++) {
      await monitor.emit({ type: 'check', hostId: 'h', at: Date.now(), details: { big } });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await info()).toBe(0);
  });
});
