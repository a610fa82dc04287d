/**
 * Receiver child of bench/monitor-ingest.ts, on the monitor's own UdpReceiver. Mode `bare`:
 * a node:dgram socket that only counts (the floor for Node). Mode `thump`: the monitor's
 * ingest path (decode + HMAC verify + replay check + registry/state update + detector) on
 * node:dgram, with the detector ticking every slot as in the real monitor. `bare-native` and
 * `thump-native`: the same on the native batched receiver (recvmmsg), the monitor's default.
 * No database (events are counted and dropped). Talks to the parent over IPC: `reset`,
 * `report`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MonitorCore } from '../src/monitor/core.js';
import { createIngest } from '../src/monitor/ingest.js';
import { UdpReceiver } from '../src/monitor/receiver.js';
import { MonitorService } from '../src/monitor/service.js';
import { Keyring, keyFromSecret } from '../src/protocol/index.js';
import { openStore } from '../src/store/index.js';

/**
 * `bare`/`thump` use node:dgram; `bare-native`/`thump-native` the batched native receiver;
 * `monitor` is the whole MonitorService (native receiver, SQLite file, event persistence and
 * the 1 s flush of changed host rows), as `thump monitor` runs it without HTTP and notify;
 * `monitor-pg` the same on the PostgreSQL URL given as the third argument.
 */
const mode = process.argv[2] as 'bare' | 'thump' | 'bare-native' | 'thump-native' | 'monitor' | 'monitor-pg';
const secret = process.argv[3] as string;
if (mode === 'monitor' || mode === 'monitor-pg') await runWholeMonitor(process.argv[4]);
let count = 0;
let cpu = process.cpuUsage();
let t0 = performance.now();

async function runWholeMonitor(dbUrl: string | undefined): Promise<never> {
  const dir = mkdtempSync(join(tmpdir(), 'thump-bench-mon-'));
  const m = new MonitorService({
    store: await openStore(dbUrl ?? join(dir, 'thump.db')),
    keyring: new Keyring(keyFromSecret(secret)),
    listen: [{ host: '127.0.0.1', port: 0, family: 4 }],
    recvBufferBytes: 8 * 1024 * 1024,
    receiver: 'native',
    core: { initialCapacity: 65_536 },
    logger: pino({ level: 'silent' }),
  });
  await m.start();
  const counted = () => m.stats().packetsTotal;
  let base = counted();
  let cpu0 = process.cpuUsage();
  process.send?.({ type: 'ready', port: m.udp[0]?.port, rcvbuf: 0, kind: 'monitor' });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'reset') {
      base = counted();
      cpu0 = process.cpuUsage();
      process.send?.({ type: 'reset-done' });
    } else if (msg.type === 'report') {
      let last = -1;
      const poll = setInterval(() => {
        const c = counted() - base;
        if (c === last) {
          clearInterval(poll);
          const used = process.cpuUsage(cpu0);
          process.send?.({
            type: 'report',
            count: c,
            cpuUs: used.user + used.system,
            kernelDrops: m.stats().udpKernelDrops,
          });
        }
        last = c;
      }, 1200); // longer than the 1 s flush, so the flush of this round is counted
    } else if (msg.type === 'exit') {
      void m.stop().then(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  return new Promise<never>(() => {});
}

const core = new MonitorCore({ initialCapacity: 65_536 });
const { ingest } = createIngest(core, {
  keyring: new Keyring(keyFromSecret(secret)),
  legacy: false,
  maxSkewMs: 300_000,
});
const full = mode.startsWith('thump');
// The same timer load in every mode: the real monitor ticks its detector every 50 ms.
const tick = setInterval(() => {
  if (!full) return;
  core.tick(Date.now());
  core.takeEvents();
}, 50);
const rx = new UdpReceiver({
  listen: [{ host: '127.0.0.1', port: 0, family: 4 }],
  recvBufferBytes: 8 * 1024 * 1024,
  kind: mode.endsWith('native') ? 'native' : 'dgram',
  onMessage: full
    ? (msg, ip, port) => {
        count++;
        ingest(msg, ip, port, Date.now());
      }
    : () => {
        count++;
      },
});
await rx.start();
process.send?.({ type: 'ready', port: rx.bound[0]?.port, rcvbuf: rx.recvBufferSize(), kind: rx.kind });

process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    count = 0;
    core.takeEvents();
    cpu = process.cpuUsage();
    t0 = performance.now();
    process.send?.({ type: 'reset-done' });
  } else if (m.type === 'report') {
    // Wait until the socket is drained (no new datagram for 200 ms).
    let last = -1;
    const poll = setInterval(() => {
      if (count === last) {
        clearInterval(poll);
        const used = process.cpuUsage(cpu);
        const s = core.stats();
        process.send?.({
          type: 'report',
          count,
          cpuUs: used.user + used.system,
          wallMs: performance.now() - t0 - 200,
          rejected: s.rejected,
          beats: s.beatsTotal,
          kernelDrops: rx.kernelDrops(),
        });
      }
      last = count;
    }, 200);
  } else if (m.type === 'exit') {
    clearInterval(tick);
    void rx.stop().then(() => process.exit(0));
  }
});
