/**
 * Receiver child of bench/monitor-ingest.ts. Mode `bare`: a dgram socket that only counts
 * (the floor for Node). Mode `thump`: the monitor's ingest path (decode + HMAC verify +
 * replay check + registry/state update + detector) on the same kind of socket, with the
 * detector ticking every slot as in the real monitor. No database (events are counted and
 * dropped). Talks to the parent over IPC: `reset`, `report`.
 */
import { createSocket } from 'node:dgram';
import { MonitorCore } from '../src/monitor/core.js';
import { createIngest } from '../src/monitor/ingest.js';
import { Keyring, keyFromSecret } from '../src/protocol/index.js';

const mode = process.argv[2] as 'bare' | 'thump';
const secret = process.argv[3] as string;
const sock = createSocket('udp4');
let count = 0;
let cpu = process.cpuUsage();
let t0 = performance.now();

const core = new MonitorCore({ initialCapacity: 65_536 });
const { ingest } = createIngest(core, {
  keyring: new Keyring(keyFromSecret(secret)),
  legacy: false,
  maxSkewMs: 300_000,
});
let tick: NodeJS.Timeout | undefined;
if (mode === 'thump') {
  tick = setInterval(() => {
    core.tick(Date.now());
    core.takeEvents();
  }, 50);
  sock.on('message', (msg, rinfo) => {
    count++;
    ingest(msg, rinfo.address, rinfo.port, Date.now());
  });
} else {
  tick = setInterval(() => {}, 50); // same timer load as the thump mode
  sock.on('message', () => {
    count++;
  });
}

sock.bind(0, '127.0.0.1', () => {
  try {
    sock.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    // capped by net.core.rmem_max
  }
  process.send?.({ type: 'ready', port: sock.address().port, rcvbuf: sock.getRecvBufferSize() });
});

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
        });
      }
      last = count;
    }, 200);
  } else if (m.type === 'exit') {
    clearInterval(tick);
    sock.close();
    process.exit(0);
  }
});
