/**
 * A minimal heartbeat sender process for monitor end-to-end tests (a stand-in for
 * `thump agent`, so the monitor's tests do not depend on the agent's features).
 * Run: node --import tsx test/support/monitor-sender.ts PORT ID INTERVAL_MS SECRET_FILE
 * Beats at once and then every INTERVAL_MS; on SIGTERM/SIGINT sends a goodbye and exits 0.
 * Prints `beat SEQ` per beat on stdout.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { encodeBeat, keyFromSecret } from '../../src/protocol/index.js';
import type { Beat } from '../../src/protocol/types.js';

const [portText, id, intervalText, secretFile] = process.argv.slice(2);
if (!portText || !id || !intervalText || !secretFile) {
  process.stderr.write('usage: monitor-sender PORT ID INTERVAL_MS SECRET_FILE\n');
  process.exit(2);
}
const port = Number(portText);
const intervalMs = Number(intervalText);
const key = keyFromSecret(readFileSync(secretFile, 'utf8').split('\n')[0] ?? '');
const bootId = randomBytes(8).toString('hex');
const sock = createSocket('udp4');
let seq = 0;

function beat(goodbye: boolean): Beat {
  seq++;
  return {
    hostId: id as string,
    bootId,
    seq,
    sentAt: Date.now(),
    intervalMs,
    goodbye,
    uptimeSeconds: Math.round(process.uptime()) + 1000,
    load: [0.1, 0.2, 0.3],
    memTotalBytes: 8 * 1024 ** 3,
    memAvailableBytes: 4 * 1024 ** 3,
    diskTotalBytes: 100 * 1024 ** 3,
    diskUsedBytes: 40 * 1024 ** 3,
    checks: [],
    labels: { role: 'test' },
  };
}

function send(goodbye: boolean, done?: () => void): void {
  const buf = encodeBeat(beat(goodbye), key);
  sock.send(buf, port, '127.0.0.1', () => {
    process.stdout.write(`beat ${seq}\n`);
    done?.();
  });
}

send(false);
const timer = setInterval(() => send(false), intervalMs);
const bye = () => {
  clearInterval(timer);
  send(true, () => {
    sock.close();
    process.exit(0);
  });
};
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
