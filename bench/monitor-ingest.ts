/**
 * Ingest cost and highest loss-free rate (issue 2 part 7).
 * Run: node --import tsx bench/monitor-ingest.ts [rates=50000,100000,150000,200000] [seconds=2]
 *
 * Targets: CPU per authenticated beat <= 1.6x a bare dgram receiver's per datagram; no loss
 * at 150,000 beats/s on loopback.
 *
 * Four receiver processes (bench/monitor-ingest-receiver.ts), measured in the same run on the
 * same datagrams: `bare` (node:dgram) only counts; `thump` runs decode + HMAC verify + replay
 * check + state update + detector on node:dgram; `bare-native` and `thump-native` do the same
 * on the native batched receiver (recvmmsg, the monitor's default). The cost ratio is against
 * the bare node:dgram receiver, as the issue defines it; the native floor is printed beside.
 * A fifth receiver, `monitor`, runs the whole Monitor service (native receiver + SQLite file:
 * event persistence and the 1 s flush of changed host rows) for the real end-to-end cost. The sender is a tiny C program compiled here with `cc` (paced,
 * one sendto per datagram); without a C compiler a batched Node sender that yields with
 * setImmediate is used instead (and said so). Every datagram is a distinct valid beat of
 * one of 10,000 hosts (increasing sequence numbers), so nothing is rejected as a replay.
 * Also reported: the pure in-process cost of the ingest function (no socket).
 * With BENCH_INGEST_PG=1 a sixth receiver, `monitor-pg`, runs the same whole Monitor on a
 * throw-away local PostgreSQL (test/support/postgres.ts), so the beats/s of both backends are
 * measured in one run (issue 12 item 9: they must match, the beat path does not wait on the store).
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MonitorCore } from '../src/monitor/core.js';
import { createIngest } from '../src/monitor/ingest.js';
import { decodeBeat, encodeBeat, Keyring, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import { startPostgres } from '../test/support/postgres.js';
import { pacedSend } from './paced-send.js';

const RATES = (process.argv[2] ?? '50000,100000,150000,200000').split(',').map(Number);
const SECONDS = Number(process.argv[3] ?? 2);
const HOSTS = 10_000;
const SECRET = 'bench-secret-0123456789abcdefghij';
const key = keyFromSecret(SECRET);
const dir = mkdtempSync(join(tmpdir(), 'thump-bench-'));

const C_SENDER = String.raw`
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
static double now_s(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  if(argc<4)return 2;
  int port=atoi(argv[1]); double rate=atof(argv[3]);
  FILE*f=fopen(argv[2],"rb"); if(!f)return 3; fseek(f,0,SEEK_END); long sz=ftell(f); fseek(f,0,SEEK_SET);
  unsigned char*buf=malloc(sz); if(fread(buf,1,sz,f)!=(size_t)sz)return 4; fclose(f);
  int s=socket(AF_INET,SOCK_DGRAM,0); int sb=4<<20; setsockopt(s,SOL_SOCKET,SO_SNDBUF,&sb,sizeof sb);
  struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_port=htons(port); a.sin_addr.s_addr=htonl(0x7f000001);
  if(connect(s,(struct sockaddr*)&a,sizeof a)<0)return 5;
  long off=0,n=0,fail=0; double t0=now_s();
  while(off+2<=sz){
    unsigned len=(buf[off]<<8)|buf[off+1]; off+=2;
    double due=t0+n/rate, t;
    while((t=now_s())<due){ if(due-t>0.0005){struct timespec ts={0,(long)((due-t)*0.8e9)};nanosleep(&ts,0);} }
    while(send(s,buf+off,len,0)<0){ if(errno!=ENOBUFS&&errno!=EAGAIN){fail++;break;} }
    off+=len; n++;
  }
  printf("%ld %f %ld\n",n,now_s()-t0,fail); return 0;
}`;

function compileSender(): string | undefined {
  const src = join(dir, 'sender.c');
  const bin = join(dir, 'sender');
  writeFileSync(src, C_SENDER);
  const r = spawnSync('cc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
  return r.status === 0 ? bin : undefined;
}

const seqs = new Uint32Array(HOSTS);
const ids = Array.from({ length: HOSTS }, (_, i) => `bench-host-${String(i).padStart(5, '0')}`);
const boots = Array.from({ length: HOSTS }, (_, i) => (0x1000000000 + i).toString(16).padStart(16, '0'));
function datagrams(n: number): Buffer[] {
  const out: Buffer[] = [];
  const b: Beat = {
    hostId: '',
    bootId: '',
    seq: 0,
    sentAt: Date.now(),
    intervalMs: 5000,
    goodbye: false,
    uptimeSeconds: 123456,
    load: [0.42, 0.37, 0.3],
    memTotalBytes: 16 * 1024 ** 3,
    memAvailableBytes: 9 * 1024 ** 3,
    diskTotalBytes: 500 * 1024 ** 3,
    diskUsedBytes: 200 * 1024 ** 3,
    checks: [],
    labels: { role: 'web' },
  };
  for (let k = 0; k < n; k++) {
    const h = k % HOSTS;
    b.hostId = ids[h] as string;
    b.bootId = boots[h] as string;
    seqs[h] = (seqs[h] as number) + 1;
    b.seq = seqs[h] as number;
    out.push(encodeBeat(b, key));
  }
  return out;
}

function writeFile(bufs: Buffer[]): string {
  const p = join(dir, 'beats.bin');
  const len = bufs.reduce((n, b) => n + 2 + b.length, 0);
  const all = Buffer.alloc(len);
  let o = 0;
  for (const b of bufs) {
    all.writeUInt16BE(b.length, o);
    b.copy(all, o + 2);
    o += 2 + b.length;
  }
  writeFileSync(p, all);
  return p;
}

interface Receiver {
  port: number;
  rcvbuf: number;
  call(type: string): Promise<Record<string, unknown>>;
  exit(): void;
}

type Mode = 'bare' | 'thump' | 'bare-native' | 'thump-native' | 'monitor' | 'monitor-pg';
const WITH_PG = process.env.BENCH_INGEST_PG === '1';
const MODES: Mode[] = [
  'bare',
  'thump',
  'bare-native',
  'thump-native',
  'monitor',
  ...(WITH_PG ? ['monitor-pg' as const] : []),
];
const pgCluster = WITH_PG ? await startPostgres() : undefined;

async function receiver(mode: Mode): Promise<Receiver> {
  const db = mode === 'monitor-pg' && pgCluster ? [await pgCluster.createDatabase('ingest')] : [];
  const child = fork(
    join(fileURLToPath(new URL('.', import.meta.url)), 'monitor-ingest-receiver.ts'),
    [mode, SECRET, ...db],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const waitFor = (type: string) =>
    new Promise<Record<string, unknown>>((res) => {
      const on = (m: Record<string, unknown>) => {
        if (m.type === type) {
          child.off('message', on);
          res(m);
        }
      };
      child.on('message', on);
    });
  const ready = await waitFor('ready');
  return {
    port: ready.port as number,
    rcvbuf: ready.rcvbuf as number,
    call: (type) => {
      const p = waitFor(type === 'reset' ? 'reset-done' : type);
      child.send({ type });
      return p;
    },
    exit: () => child.send({ type: 'exit' }),
  };
}

async function main(): Promise<void> {
  const sender = compileSender();
  console.log(
    `ingest benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)}, sender: ${sender ? 'C (cc -O2, paced sendto)' : 'Node batched (no cc found)'}`,
  );
  // Pure in-process cost of the ingest function (no sockets), vs a bare loop over the buffers.
  {
    const core = new MonitorCore({ initialCapacity: HOSTS });
    const { ingest } = createIngest(core, { keyring: new Keyring(key), legacy: false, maxSkewMs: 300_000 });
    const warm = datagrams(HOSTS);
    for (const b of warm) ingest(b, '127.0.0.1', 1, Date.now());
    core.takeEvents();
    const bufs = datagrams(200_000);
    const now = Date.now();
    const ring = new Keyring(key);
    const d0 = process.cpuUsage();
    for (const b of bufs) decodeBeat(b, ring, now);
    const d = process.cpuUsage(d0);
    const decodeUs = (d.user + d.system) / bufs.length;
    const c0 = process.cpuUsage();
    for (const b of bufs) ingest(b, '127.0.0.1', 1, now);
    const c = process.cpuUsage(c0);
    const us = (c.user + c.system) / bufs.length;
    console.log(
      `in-process ingest (no socket): ${us.toFixed(2)} us/beat = codec decode+verify ${decodeUs.toFixed(2)} us + monitor core ${(us - decodeUs).toFixed(2)} us; ${core.stats().beatsTotal - HOSTS} accepted of ${bufs.length}`,
    );
  }

  const rx = {} as Record<Mode, Receiver>;
  for (const mode of MODES) rx[mode] = await receiver(mode);
  console.log(
    `receive buffer granted: dgram ${rx.thump.rcvbuf} bytes (capped by net.core.rmem_max), native ${rx['thump-native'].rcvbuf} bytes (SO_RCVBUFFORCE when privileged)`,
  );
  // Warm-up: every host once (its `new` event), JIT warm on every receiver.
  for (const mode of MODES) {
    const bufs = datagrams(HOSTS * 2);
    await rx[mode].call('reset');
    if (sender) execFileSync(sender, [String(rx[mode].port), writeFile(bufs), '20000']);
    else await pacedSend(rx[mode].port, bufs, 20000);
    await rx[mode].call('report');
  }
  console.log(
    `rate/s   sent     | bare dgram: recv us/dg | thump dgram: recv us/beat ratio | bare native: recv us/dg | thump native: recv us/beat ratio lost | whole monitor: recv us/beat lost${WITH_PG ? ' | whole monitor on PostgreSQL: recv us/beat lost' : ''}`,
  );
  let best = 0;
  let bestDgram = 0;
  for (const rate of RATES) {
    const bufs = datagrams(Math.round(rate * SECONDS));
    const file = sender ? writeFile(bufs) : '';
    const res = {} as Record<Mode, { count: number; us: number }>;
    for (const mode of MODES) {
      await rx[mode].call('reset');
      if (sender) execFileSync(sender, [String(rx[mode].port), file, String(rate)]);
      else await pacedSend(rx[mode].port, bufs, rate);
      const r = await rx[mode].call('report');
      res[mode] = { count: r.count as number, us: (r.cpuUs as number) / Math.max(1, r.count as number) };
    }
    const n = bufs.length;
    if (res['thump-native'].count === n) best = Math.max(best, rate);
    if (res.thump.count === n) bestDgram = Math.max(bestDgram, rate);
    const col = (m: Mode) => `${String(res[m].count).padStart(7)} ${res[m].us.toFixed(2).padStart(5)}`;
    const ratio = (m: Mode) => `${(res[m].us / res.bare.us).toFixed(2)}x`;
    console.log(
      `${String(rate).padEnd(8)} ${String(n).padEnd(8)} | ${col('bare')}        | ${col('thump')}          ${ratio('thump')} | ${col('bare-native')}         | ${col('thump-native')}          ${ratio('thump-native')} ${n - res['thump-native'].count} | ${col('monitor')} ${n - res.monitor.count}${WITH_PG ? ` | ${col('monitor-pg')} ${n - res['monitor-pg'].count}` : ''}`,
    );
  }
  console.log(
    `highest loss-free rate tested: native receiver ${best}/s (target 150000/s: ${best >= 150_000 ? 'met' : 'MISSED'}); node:dgram receiver ${bestDgram}/s`,
  );
  for (const mode of MODES) rx[mode].exit();
  rmSync(dir, { recursive: true, force: true });
  if (pgCluster) {
    await new Promise((r) => setTimeout(r, 1000)); // let the receivers close their connections
    await pgCluster.stop();
  }
}

await main();
