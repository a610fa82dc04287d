import { readFile, statfs } from 'node:fs/promises';
import { z } from 'zod';
import type { CheckResult } from '../../protocol/types.js';
import {
  type CheckKind,
  checkName,
  commonCheckFields,
  percentThresholds,
  severityFor,
  subId,
  warnBelowCrit,
  warnBelowCritMessage,
} from './types.js';

/** Filesystems that hold data on a disk; pseudo and network filesystems are left out by default. */
const DISK_FS = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'jfs',
  'reiserfs', 'bcachefs', 'nilfs2', 'hfsplus', 'ufs',
]); // biome-ignore format: a word list

const schema = z
  .strictObject({
    type: z.literal('disk'),
    ...commonCheckFields,
    /** Mount points to check; default: every mounted disk filesystem (from /proc/self/mounts). */
    mounts: z.array(z.string().startsWith('/', 'expected an absolute mount point')).optional(),
    ...percentThresholds(85, 95),
    /** Where mounts are listed (for containers that see the host's mounts elsewhere). */
    mounts_file: z.string().default('/proc/self/mounts'),
  })
  .refine(warnBelowCrit, warnBelowCritMessage);
export type DiskCheckConfig = z.output<typeof schema>;

/** Decodes the octal escapes /proc/mounts uses for spaces, tabs and backslashes. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Mount points of disk filesystems in a /proc/mounts text, each device once (bind mounts skipped). */
export function parseMounts(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const [dev, mnt, fs] = line.split(' ');
    if (dev === undefined || mnt === undefined || fs === undefined || !DISK_FS.has(fs)) continue;
    if (seen.has(dev)) continue;
    seen.add(dev);
    out.push(unescapeMount(mnt));
  }
  return out;
}

/** Used percentage as `df` computes it: used / (used + available to unprivileged users). */
export function usedPercent(s: { blocks: number; bfree: number; bavail: number }): number {
  const used = s.blocks - s.bfree;
  const denom = used + s.bavail;
  return denom > 0 ? (used * 100) / denom : 0;
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Disk usage per mount: WARNING/CRITICAL at the configured used-% thresholds. */
export const diskCheck: CheckKind<DiskCheckConfig> = {
  type: 'disk',
  schema,
  create(c) {
    const name = checkName(c);
    return async () => {
      const mounts = c.mounts ?? parseMounts(await readFile(c.mounts_file, 'utf8'));
      const results: CheckResult[] = [];
      for (const m of mounts) {
        const id = subId(name, m);
        try {
          const s = await statfs(m);
          const pct = usedPercent(s);
          const used = (s.blocks - s.bfree) * s.bsize;
          results.push({
            id,
            severity: severityFor(pct, c.warn, c.crit),
            text: `${m} ${pct.toFixed(0)}% used (${gib(used)} of ${gib(s.blocks * s.bsize)})`,
          });
        } catch (err) {
          results.push({
            id,
            severity: 3,
            text: `${m}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          });
        }
      }
      return results;
    };
  },
};
