import { spawn } from 'node:child_process';
import { z } from 'zod';
import { NotifyError } from '../errors.js';
import { redactor } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, notifierSchema } from './define.js';
import { iso, truncate } from './format.js';
import { webhookPayload } from './webhook.js';

/** Variables passed through from the monitor's environment when `inherit_env` is false. */
const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'USER', 'LOGNAME', 'TMPDIR'];
/** Output kept from the program (for the error message); the rest is drained and dropped. */
const MAX_OUTPUT = 16 * 1024;
/** Grace between SIGTERM and SIGKILL when the program overruns its timeout. */
const KILL_GRACE_MS = 2_000;
/** Exit codes that mean "cannot execute" / "not found" (POSIX shells): retrying cannot help. */
const PERMANENT_EXITS = new Set([126, 127]);

/**
 * The `THUMP_*` variables for one batch. Per-event variables describe the first event
 * (batches usually group one type); `THUMP_HOST_IDS` lists every host, and the whole batch
 * is on stdin as the webhook JSON document.
 */
export function commandEnv(batch: NotificationBatch): Record<string, string> {
  const first = batch.events[0];
  const hosts = [...new Set(batch.events.map((e) => e.hostId).filter((h) => h !== ''))];
  return {
    THUMP_NOTIFIER: batch.notifier,
    THUMP_BATCH_ID: batch.id,
    THUMP_BATCH_KIND: batch.kind,
    THUMP_TITLE: batch.title,
    THUMP_TEXT: truncate(batch.text, 8192),
    THUMP_EVENT_COUNT: String(batch.events.length),
    THUMP_HOST_IDS: hosts.join(','),
    THUMP_EVENT_ID: first ? String(first.id) : '',
    THUMP_EVENT_TYPE: first ? first.type : '',
    THUMP_HOST_ID: first ? first.hostId : '',
    THUMP_EVENT_AT: first ? iso(first.at) : '',
    THUMP_EVENT_DETAILS: first ? JSON.stringify(first.details) : '',
  };
}

const configSchema = notifierSchema('command', {
  /** Program to run (absolute path, or a name looked up in PATH). No shell is involved. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Extra environment variables; their values are treated as secrets in messages. */
  env: z.record(z.string(), z.string()).default({}),
  /** Pass the monitor's whole environment instead of only PATH, HOME, LANG, TZ... */
  inherit_env: z.boolean().default(false),
  /** Working directory (default: the monitor's). */
  cwd: z.string().min(1).optional(),
});

/**
 * `command`: runs a program once per batch with the event in `THUMP_*` variables and the
 * batch JSON on stdin. Exit 0 is success; any other exit is retryable except 126/127 (the
 * program cannot run) and a failure to start at all, which are permanent. The error carries
 * the first line of stderr. A program that outlives `timeout` is killed (its whole process
 * group, so shell children go too).
 */
export const command = defineNotifier({
  type: 'command',
  configSchema,
  create(config, ctx) {
    const parentEnv = ctx.env ?? process.env;
    const scrub = redactor(Object.values(config.env));
    const prog = config.command;
    return {
      name: config.name,
      type: 'command',
      send(batch, signal) {
        const base: Record<string, string> = {};
        if (config.inherit_env) {
          for (const [k, v] of Object.entries(parentEnv)) if (v !== undefined) base[k] = v;
        } else {
          for (const k of BASE_ENV) {
            const v = parentEnv[k];
            if (v !== undefined) base[k] = v;
          }
        }
        const env = { ...base, ...config.env, ...commandEnv(batch) };
        return runOnce(prog, config.args, {
          env,
          cwd: config.cwd,
          timeoutMs: config.timeout,
          stdin: `${JSON.stringify(webhookPayload(batch))}\n`,
          signal,
          scrub,
          log: (fields, msg) => ctx.logger?.debug(fields, msg),
        });
      },
    };
  },
});

interface RunOptions {
  env: Record<string, string>;
  cwd: string | undefined;
  timeoutMs: number;
  stdin: string;
  signal: AbortSignal;
  scrub: (text: string) => string;
  log: (fields: object, msg: string) => void;
}

function runOnce(prog: string, args: string[], o: RunOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (o.signal.aborted) {
      reject(
        new NotifyError(`command ${prog}: aborted before start`, { reason: 'aborted', retryable: true }),
      );
      return;
    }
    const started = Date.now();
    const child = spawn(prog, args, {
      env: o.env,
      ...(o.cwd ? { cwd: o.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout kills the program and everything it started.
      detached: true,
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    // A program that does not read stdin closes the pipe: EPIPE is not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(o.stdin);

    let ended: NotifyError | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (why: NotifyError) => {
      if (ended) return;
      ended = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(
      () =>
        kill(
          new NotifyError(`command ${prog}: timed out after ${o.timeoutMs} ms, killed`, {
            reason: 'timeout',
            retryable: true,
          }),
        ),
      o.timeoutMs,
    );
    const onAbort = () =>
      kill(new NotifyError(`command ${prog}: aborted, killed`, { reason: 'aborted', retryable: true }));
    o.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
    };

    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      clearTimeout(killTimer);
      o.log({ command: prog, reason: 'config' }, 'notify command could not start');
      reject(
        new NotifyError(`command ${prog}: cannot run (${err.code ?? 'error'})`, {
          reason: 'config',
          retryable: false,
        }),
      );
    });
    child.once('close', (code, sig) => {
      done();
      // The group may still hold children that closed their pipes; leave nothing behind.
      if (ended) signalGroup(child.pid, 'SIGKILL');
      clearTimeout(killTimer);
      const ms = Date.now() - started;
      if (ended) {
        o.log({ command: prog, ms, reason: ended.reason }, 'notify command failed');
        reject(ended);
        return;
      }
      if (code === 0) {
        o.log({ command: prog, ms }, 'notify command ran');
        resolve();
        return;
      }
      const line = o.scrub(firstLine(stderr) || firstLine(stdout));
      const status = code === null ? `killed by ${sig}` : `exit ${code}`;
      const permanent = code !== null && PERMANENT_EXITS.has(code);
      o.log({ command: prog, ms, exit: code ?? sig }, 'notify command failed');
      reject(
        new NotifyError(`command ${prog}: ${status}${line ? `: ${line}` : ''}`, {
          reason: permanent ? 'config' : 'command',
          retryable: !permanent,
          ...(code === null ? {} : { status: code }),
        }),
      );
    });
  });
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return truncate(line.trim(), 300);
}

/** Signals a whole process group; the group may already be gone. */
function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: already exited.
  }
}
