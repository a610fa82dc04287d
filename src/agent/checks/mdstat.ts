import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CheckResult, Severity } from '../../protocol/types.js';
import { type CheckKind, checkName, commonCheckFields, subId } from './types.js';

/** One md array as /proc/mdstat describes it. */
export interface MdArray {
  name: string;
  active: boolean;
  /** `raid1`, `raid5`, `raid10`, `linear`, `raid0`... (undefined when inactive). */
  level?: string;
  /** Member devices marked `(F)` (faulty). */
  failed: string[];
  /** `[n/m]`: devices the array wants and devices that are working (absent for raid0/linear). */
  wanted?: number;
  working?: number;
  /** `[UU_]` map. */
  map?: string;
  /** Running or pending sync action: recovery, resync, reshape, check, repair. */
  action?: { kind: string; percent?: number; pending?: boolean };
}

/** Parses /proc/mdstat text into arrays. Pure; unknown lines are ignored. */
export function parseMdstat(text: string): MdArray[] {
  const arrays: MdArray[] = [];
  let cur: MdArray | undefined;
  for (const line of text.split('\n')) {
    const head = /^(md\w+)\s*:\s*(\S+)(?:\s+\(([^)]*)\))?\s*(.*)$/.exec(line);
    if (head) {
      const [, name, state, , rest] = head as unknown as [string, string, string, string, string];
      const words = rest.split(/\s+/).filter((w) => w !== '');
      const active = state === 'active';
      const level = active ? words.find((w) => /^(raid\d+|linear|multipath|faulty)$/.test(w)) : undefined;
      cur = {
        name,
        active,
        failed: words.filter((w) => /\(F\)$/.test(w)).map((w) => w.replace(/\[\d+\]\(F\)$/, '')),
      };
      if (level !== undefined) cur.level = level;
      arrays.push(cur);
      continue;
    }
    if (cur === undefined) continue;
    if (!/^\s/.test(line)) {
      cur = undefined;
      continue;
    }
    const st = /\[(\d+)\/(\d+)\]\s+\[([U_]+)\]/.exec(line);
    if (st) {
      cur.wanted = Number(st[1]);
      cur.working = Number(st[2]);
      cur.map = st[3] as string;
    }
    const act = /\b(recovery|resync|reshape|check|repair)\s*=\s*(\d+(?:\.\d+)?)%/.exec(line);
    if (act) cur.action = { kind: act[1] as string, percent: Number(act[2]) };
    const pend = /\b(recovery|resync|reshape|check|repair)\s*=\s*(DELAYED|PENDING)/.exec(line);
    if (pend) cur.action = { kind: pend[1] as string, pending: true };
  }
  return arrays;
}

/**
 * Judges one array: inactive or degraded without a rebuild -> CRITICAL; degraded and
 * rebuilding -> WARNING (redundancy is coming back); otherwise OK (a running check/resync is
 * mentioned in the text). The convention of check_md_raid / check_linux_raid.
 */
export function judgeArray(a: MdArray): { severity: Severity; text: string } {
  if (!a.active) return { severity: 2, text: `${a.name} inactive` };
  const level = a.level ?? 'md';
  const degraded =
    a.failed.length > 0 ||
    (a.wanted !== undefined && a.working !== undefined && a.working < a.wanted) ||
    (a.map?.includes('_') ?? false);
  const counts = a.map !== undefined ? ` [${a.wanted}/${a.working}] [${a.map}]` : '';
  const failed = a.failed.length > 0 ? `, failed: ${a.failed.join(' ')}` : '';
  const act = a.action
    ? `, ${a.action.kind} ${a.action.pending ? 'pending' : `${a.action.percent?.toFixed(1)}%`}`
    : '';
  if (degraded) {
    const rebuilding = a.action?.kind === 'recovery' || a.action?.kind === 'reshape';
    return {
      severity: rebuilding ? 1 : 2,
      text: `${a.name} ${level} DEGRADED${counts}${failed}${act}`,
    };
  }
  return { severity: 0, text: `${a.name} ${level} ok${counts}${act}` };
}

const schema = z.strictObject({
  type: z.literal('raid'),
  ...commonCheckFields,
  mdstat_file: z.string().default('/proc/mdstat'),
});
export type RaidCheckConfig = z.output<typeof schema>;

/** Linux software RAID health from /proc/mdstat: one result per array (`raid:md0`). */
export const raidCheck: CheckKind<RaidCheckConfig> = {
  type: 'raid',
  schema,
  create(c) {
    const name = checkName(c);
    return async () => {
      let text: string;
      try {
        text = await readFile(c.mdstat_file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'not found (md driver not loaded)' : (code ?? String(err));
        return [{ id: name, severity: 3, text: `${c.mdstat_file} ${why}` }];
      }
      const arrays = parseMdstat(text);
      if (arrays.length === 0) return [{ id: name, severity: 0, text: 'no md arrays' }];
      return arrays.map((a): CheckResult => ({ id: subId(name, a.name), ...judgeArray(a) }));
    };
  },
};
