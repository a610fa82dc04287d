/**
 * Notifier send rate against a loopback HTTP listener: the webhook notifier (shared helper:
 * timeout signal, classification, redaction, JSON payload build) versus a bare `fetch` POST of
 * the same bytes, measured in the same run. Also the command notifier (one process per batch).
 *
 * Baseline and candidate alternate in 1 s rounds and the medians are reported, so a busy
 * machine slows both alike.
 *
 *   node --import tsx bench/notify-notifiers.ts [rounds]
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotifier, notifierConfigSchema, webhookPayload } from '../src/notify/notifiers/index.js';
import type { NotificationBatch } from '../src/notify/types.js';

/** Rounds per case; each round runs the baseline and ours for one second each, alternating. */
const rounds = Number(process.argv[2] ?? 5);
const seconds = 1;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(204);
    res.end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function batch(i: number, hosts: number): NotificationBatch {
  const at = Date.UTC(2026, 10, 23, 18);
  return {
    id: `b-${i}`,
    notifier: 'bench',
    kind: 'alert',
    title: `${hosts} hosts down`,
    text: 'bench',
    createdAt: at,
    events: Array.from({ length: hosts }, (_, h) => ({
      id: i * 1000 + h,
      type: 'down' as const,
      hostId: `web-${h}`,
      at,
      details: { lastBeatAt: at - 3000, timeoutMs: 3000, noticedAt: at + 10 },
    })),
  };
}

/**
 * Runs `fn` with `concurrency` loops for `seconds`: operations per second, and this process's
 * CPU time per operation (client and listener together; steadier than rates on a busy box).
 */
async function rate(
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<{ perSec: number; cpuUs: number }> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await fn(n++);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSec: n / ((Date.now() - started) / 1000), cpuUs: (cpu.user + cpu.system) / n };
}

const webhook = createNotifier(
  notifierConfigSchema.parse({
    name: 'bench',
    type: 'webhook',
    url: `${base}/hook/secret-path`,
    secret: 'bench-hmac-secret',
  }),
);
// A fresh signal per send, as the dispatcher gives each attempt its own.
const signal = () => new AbortController().signal;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(`node ${process.version}, ${cpus().length} cpus, ${rounds} alternating 1 s rounds per case`);
for (const hosts of [1, 50]) {
  for (const conc of [1, 16]) {
    const bare: { perSec: number; cpuUs: number }[] = [];
    const ours: { perSec: number; cpuUs: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      bare.push(
        await rate(conc, async (i) => {
          const res = await fetch(`${base}/hook/secret-path`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(webhookPayload(batch(i, hosts))),
          });
          await res.text();
        }),
      );
      ours.push(await rate(conc, (i) => webhook.send(batch(i, hosts), signal())));
    }
    const m = (xs: { perSec: number; cpuUs: number }[], k: 'perSec' | 'cpuUs') => median(xs.map((x) => x[k]));
    const ratios = ours.map((o, i) => o.perSec / (bare[i]?.perSec ?? 1));
    console.log(
      `webhook ${String(hosts).padStart(2)} events/batch, concurrency ${String(conc).padStart(2)}: ` +
        `${m(ours, 'perSec').toFixed(0)} sends/s, ${m(ours, 'cpuUs').toFixed(0)} us CPU/send | bare fetch ` +
        `${m(bare, 'perSec').toFixed(0)}/s, ${m(bare, 'cpuUs').toFixed(0)} us | rate ratio ${median(ratios).toFixed(2)}, ` +
        `CPU ratio ${(m(ours, 'cpuUs') / m(bare, 'cpuUs')).toFixed(2)}`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'thump-bench-'));
const prog = join(dir, 'ok.sh');
writeFileSync(prog, '#!/bin/sh\ncat >/dev/null\n');
chmodSync(prog, 0o755);
const cmd = createNotifier(notifierConfigSchema.parse({ name: 'bench', type: 'command', command: prog }));
const cmdRates: number[] = [];
for (let r = 0; r < rounds; r++)
  cmdRates.push((await rate(4, (i) => cmd.send(batch(i, 1), signal()))).perSec);
const cmdRate = median(cmdRates);
// Baseline: spawning the same script bare (stdin closed at once, no env, no timeout).
const spawnRate: number[] = [];
for (let r = 0; r < rounds; r++) {
  spawnRate.push(
    (
      await rate(
        4,
        () =>
          new Promise<void>((res) => {
            const c = spawn(prog, [], { stdio: ['pipe', 'ignore', 'ignore'] });
            c.stdin.end();
            c.on('close', () => res());
          }),
      )
    ).perSec,
  );
}
console.log(
  `command (/bin/sh script), concurrency 4: median ${cmdRate.toFixed(0)} sends/s vs bare spawn ` +
    `${median(spawnRate).toFixed(0)}/s (ratio ${(cmdRate / median(spawnRate)).toFixed(2)})`,
);
rmSync(dir, { recursive: true, force: true });
server.close();
server.closeAllConnections();
