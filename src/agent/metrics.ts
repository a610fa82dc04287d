import { readFileSync, statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import { join } from 'node:path';
import { memoryFromMeminfo } from './checks/memory.js';

/** The measurements every beat carries. */
export interface HostMetrics {
  uptimeSeconds: number;
  load: [number, number, number];
  memTotalBytes: number;
  memAvailableBytes: number;
  diskTotalBytes: number;
  diskUsedBytes: number;
}

/** Seconds of uptime from a /proc/uptime text (`"12345.67 23456.78"`). Pure. */
export function parseProcUptime(text: string): number | undefined {
  const v = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Samples host metrics for each beat without ever blocking it: procfs reads are in-memory
 * and synchronous; the root filesystem's statfs (which can hang on a sick disk) is refreshed
 * in the background and the last good value is used.
 */
export class MetricsSampler {
  private disk = { total: 0, used: 0 };
  private diskPending = false;
  private diskPrimed = false;

  constructor(private readonly opts: { procRoot?: string; diskPath?: string } = {}) {}

  /** Current metrics; starts a background disk refresh for the next beat. */
  sample(): HostMetrics {
    if (!this.diskPrimed) {
      // Only the very first beat reads the disk synchronously, so it does not carry 0/0.
      this.diskPrimed = true;
      try {
        const s = statfsSync(this.opts.diskPath ?? '/');
        this.disk = { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
      } catch {
        // unknown until a background refresh succeeds
      }
    }
    void this.refreshDisk();
    const proc = this.opts.procRoot ?? '/proc';
    const up = parseProcUptime(this.read(join(proc, 'uptime')) ?? '') ?? uptime();
    const mem = memoryFromMeminfo(this.read(join(proc, 'meminfo')) ?? '') ?? {
      total: totalmem(),
      available: freemem(),
    };
    const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
    return {
      uptimeSeconds: Math.floor(up),
      load: [l1, l5, l15],
      memTotalBytes: mem.total,
      memAvailableBytes: mem.available,
      diskTotalBytes: this.disk.total,
      diskUsedBytes: this.disk.used,
    };
  }

  /** Refreshes the root filesystem figures (resolves when done; never rejects). */
  async refreshDisk(): Promise<void> {
    if (this.diskPending) return;
    this.diskPending = true;
    try {
      const s = await statfs(this.opts.diskPath ?? '/');
      this.disk = { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
    } catch {
      // keep the last value; 0/0 means unknown
    } finally {
      this.diskPending = false;
    }
  }

  private read(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
}
