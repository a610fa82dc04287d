/**
 * A progress bar on stderr, shown only when stderr is a terminal (never in pipes, logs
 * or CI output). The CLI ticks it once per result.
 */

export interface Progress {
  start(total: number): void;
  tick(failed: boolean): void;
  stop(): void;
}

const NONE: Progress = { start() {}, tick() {}, stop() {} };

/** A bar when `stream` is a TTY, otherwise a no-op (and cli-progress is never loaded). */
export async function createProgress(stream: NodeJS.WriteStream = process.stderr): Promise<Progress> {
  if (!stream.isTTY) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} hosts | {failed} failed | {rate}/s | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let failed = 0;
  let t0 = 0;
  let done = 0;
  return {
    start(total) {
      failed = 0;
      done = 0;
      t0 = Date.now();
      bar.start(total, 0, { failed: 0, rate: '0' });
    },
    tick(f) {
      done++;
      if (f) failed++;
      const secs = (Date.now() - t0) / 1000;
      bar.increment(1, { failed, rate: secs > 0 ? (done / secs).toFixed(0) : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
