import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root and the built CLI (tests run `npm run build` first via `npm test`). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const THUMP_BIN = join(ROOT, 'dist/cli/main.js');

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it at once). */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** A free UDP port on 127.0.0.1. */
export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes; then throws with
 * `what` so the failure says what never happened. Never "sleep long enough".
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = 'thump-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A running child process with its output collected. */
export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) when it ends. */
  exited: Promise<number | string>;
  /** Sends a signal and waits (bounded) for the exit; SIGKILLs after `graceMs`. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<number | string>;
}

/** Spawns any program with collected output. */
export function spawnProc(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | string>((res) => {
    child.once('exit', (code, sig) => res(code ?? sig ?? -1));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const r = await exited;
    clearTimeout(t);
    return r;
  };
  return { child, stdout: () => out, stderr: () => err, exited, stop };
}

/** Spawns the built `thump` CLI. */
export function spawnThump(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnProc(process.execPath, [THUMP_BIN, ...args], env);
}

/** Runs the built CLI to completion (stdin closed; SIGKILLed after `timeoutMs`). */
export async function runThump(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc = spawnThump(args, env);
  proc.child.stdin?.end();
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
