import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  type CheckKind,
  checkName,
  commonCheckFields,
  percentThresholds,
  severityFor,
  warnBelowCrit,
  warnBelowCritMessage,
} from './types.js';

/** Values of /proc/meminfo in bytes (the file says kB, meaning KiB). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]) * (line.includes('kB') ? 1024 : 1);
  }
  return out;
}

/**
 * Total and available memory from a meminfo text. MemAvailable (Linux >= 3.14) is what can
 * be used without swapping; older kernels get MemFree + Buffers + Cached as an estimate.
 */
export function memoryFromMeminfo(text: string): { total: number; available: number } | undefined {
  const m = parseMeminfo(text);
  const total = m.MemTotal;
  if (total === undefined) return undefined;
  const available = m.MemAvailable ?? (m.MemFree ?? 0) + (m.Buffers ?? 0) + (m.Cached ?? 0);
  return { total, available };
}

const schema = z
  .strictObject({
    type: z.literal('memory'),
    ...commonCheckFields,
    ...percentThresholds(90, 97),
    meminfo_file: z.string().default('/proc/meminfo'),
  })
  .refine(warnBelowCrit, warnBelowCritMessage);
export type MemoryCheckConfig = z.output<typeof schema>;

/** Memory in use (total minus available) as a percentage. */
export const memoryCheck: CheckKind<MemoryCheckConfig> = {
  type: 'memory',
  schema,
  create(c) {
    const id = checkName(c);
    return async () => {
      const mem = memoryFromMeminfo(await readFile(c.meminfo_file, 'utf8'));
      if (mem === undefined || mem.total <= 0)
        return [{ id, severity: 3, text: `no MemTotal in ${c.meminfo_file}` }];
      const pct = ((mem.total - mem.available) * 100) / mem.total;
      const mib = (b: number) => `${Math.round(b / 1024 ** 2)} MiB`;
      return [
        {
          id,
          severity: severityFor(pct, c.warn, c.crit),
          text: `memory ${pct.toFixed(0)}% used (${mib(mem.available)} available of ${mib(mem.total)})`,
        },
      ];
    };
  },
};
