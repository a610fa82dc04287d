import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNotifyError, type NotifyError } from '../src/notify/errors.js';
import { createNotifier, notifierConfigSchema } from '../src/notify/notifiers/index.js';
import type { NotificationBatch } from '../src/notify/types.js';
import { downEvent, sampleBatch } from './support/notify-fixtures.js';
import { tempDir, waitFor } from './support/proc.js';

const dir = tempDir('thump-notify-cmd-');
afterAll(() => dir.cleanup());

/** Writes an executable /bin/sh script into the temp folder and returns its path. */
function script(name: string, body: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const make = (raw: Record<string, unknown>, env?: NodeJS.ProcessEnv) =>
  createNotifier(notifierConfigSchema.parse({ name: 'run', type: 'command', ...raw }), env ? { env } : {});

async function failure(p: Promise<void>): Promise<NotifyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isNotifyError(err)) throw new Error(`expected a NotifyError, got ${String(err)}`);
  return err;
}
const signal = () => new AbortController().signal;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('command notifier', () => {
  it('runs the program with THUMP_* variables and the batch JSON on stdin', async () => {
    const out = join(dir.path, 'out-env');
    const prog = script(
      'capture.sh',
      `env | grep '^THUMP_' | sort > "${out}.env"\ncat > "${out}.json"\necho "$1" > "${out}.arg"`,
    );
    await make({ command: prog, args: ['first-arg'] }).send(sampleBatch({ notifier: 'run' }), signal());
    const env = Object.fromEntries(
      readFileSync(`${out}.env`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      THUMP_NOTIFIER: 'run',
      THUMP_BATCH_ID: 'batch-0001',
      THUMP_BATCH_KIND: 'alert',
      THUMP_TITLE: '2 hosts down: web-1, web-2',
      THUMP_EVENT_COUNT: '2',
      THUMP_HOST_IDS: 'web-1,web-2',
      THUMP_EVENT_ID: '11',
      THUMP_EVENT_TYPE: 'down',
      THUMP_HOST_ID: 'web-1',
      THUMP_EVENT_AT: '2026-11-23T18:00:00.000Z',
    });
    expect(JSON.parse(env.THUMP_EVENT_DETAILS ?? '')).toEqual(sampleBatch().events[0]?.details);
    const json = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(json).toMatchObject({ version: 1, id: 'batch-0001', kind: 'alert' });
    expect(json.events).toHaveLength(2);
    expect(readFileSync(`${out}.arg`, 'utf8')).toBe('first-arg\n');
  });

  it('passes only a minimal environment unless inherit_env is set', async () => {
    const out = join(dir.path, 'out-inherit');
    const prog = script('inherit.sh', `echo "x\${MONITOR_ONLY}x \${EXTRA}" > "${out}"`);
    const parent = { PATH: process.env.PATH, MONITOR_ONLY: 'visible' };
    await make({ command: prog, env: { EXTRA: 'e1' } }, parent).send(sampleBatch(), signal());
    expect(readFileSync(out, 'utf8')).toBe('xx e1\n');
    await make({ command: prog, inherit_env: true }, parent).send(sampleBatch(), signal());
    expect(readFileSync(out, 'utf8')).toBe('xvisiblex \n');
  });

  it('fails retryably on a non-zero exit with the first line of stderr', async () => {
    const prog = script('fail.sh', 'echo "endpoint said no" >&2\necho "second line" >&2\nexit 3');
    const err = await failure(make({ command: prog }).send(sampleBatch(), signal()));
    expect(err).toMatchObject({ reason: 'command', retryable: true, status: 3 });
    expect(err.message).toContain('exit 3: endpoint said no');
    expect(err.message).not.toContain('second line');
  });

  it('keeps env values out of the error message', async () => {
    const prog = script('leak.sh', 'echo "token $API_TOKEN rejected" >&2\nexit 1');
    const err = await failure(
      make({ command: prog, env: { API_TOKEN: 'tok-very-secret-1' } }).send(sampleBatch(), signal()),
    );
    expect(err.message).toContain('token [redacted] rejected');
    expect(err.message).not.toContain('tok-very-secret-1');
  });

  it('is permanent when the program does not exist or cannot execute', async () => {
    const missing = await failure(
      make({ command: join(dir.path, 'no-such-program') }).send(sampleBatch(), signal()),
    );
    expect(missing).toMatchObject({ reason: 'config', retryable: false });
    expect(missing.message).toContain('ENOENT');
    const prog = script('notfound.sh', 'exit 127');
    const e127 = await failure(make({ command: prog }).send(sampleBatch(), signal()));
    expect(e127).toMatchObject({ reason: 'config', retryable: false, status: 127 });
  });

  it('kills the program and its children when it overruns the timeout', async () => {
    const pidFile = join(dir.path, 'child.pid');
    const prog = script('hang.sh', `sleep 60 &\necho $! > "${pidFile}"\nsleep 60`);
    // Generous: the script must have started its child before the kill, even on a loaded box.
    const err = await failure(make({ command: prog, timeout: '3s' }).send(sampleBatch(), signal()));
    expect(err).toMatchObject({ reason: 'timeout', retryable: true });
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(childPid), 'the background child to be killed');
  });

  it('stops the program when the caller aborts', async () => {
    const prog = script('slow.sh', 'sleep 60');
    const ac = new AbortController();
    const pending = failure(make({ command: prog }).send(sampleBatch(), ac.signal));
    setTimeout(() => ac.abort(), 100);
    expect(await pending).toMatchObject({ reason: 'aborted', retryable: true });
  });

  it('succeeds when the program ignores a large stdin', async () => {
    const events = Array.from({ length: 3000 }, (_, i) => downEvent(i, `host-${i}`));
    const batch: NotificationBatch = sampleBatch({ events });
    const prog = script('ignore.sh', 'exit 0');
    await make({ command: prog }).send(batch, signal());
    expect(existsSync(prog)).toBe(true);
  });
});
