import { spawn } from 'node:child_process';

/** How a child process ended. */
export interface ExecResult {
  /** Exit code, or undefined when killed by a signal or never started. */
  code?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  /** Spawn failure code (`ENOENT`, `EACCES`...). */
  spawnError?: string;
  /** True when `signal` aborted the run and the process group was killed. */
  aborted: boolean;
}

const MAX_OUTPUT = 16 * 1024;

/**
 * Runs a program in its own process group and collects (bounded) output. When `signal`
 * aborts, the whole group gets SIGKILL (a plugin's own children die too), and the promise
 * settles at once with `aborted: true` instead of waiting for pipes to close.
 */
export function execBounded(file: string, args: string[], signal: AbortSignal): Promise<ExecResult> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ stdout: '', stderr: '', aborted: true });
      return;
    }
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (r: Omit<ExecResult, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve({ ...r, stdout, stderr });
    };
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      done({ aborted: true });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.once('error', (err: NodeJS.ErrnoException) =>
      done({ spawnError: err.code ?? err.message, aborted: false }),
    );
    // 'close' (not 'exit') so the output is complete.
    child.once('close', (code, sig) => {
      const r: Omit<ExecResult, 'stdout' | 'stderr'> = { aborted: false };
      if (code !== null) r.code = code;
      if (sig !== null) r.signal = sig;
      done(r);
    });
  });
}
