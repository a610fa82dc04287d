import { accessSync, constants, statSync } from 'node:fs';
import { formatPath } from './issue.js';
import { isPlainObject } from './layers.js';

/** A `*_file` key whose file cannot be read right now. */
export interface FileProblem {
  path: string;
  file: string;
  message: string;
}

/**
 * Every `*_file` value in a (validated) config whose file is missing or unreadable from
 * this process. `check-config` shows them as warnings: the config may be checked on a
 * machine other than the one that will run it, so they are not errors by default.
 */
export function fileProblems(cfg: unknown): FileProblem[] {
  const out: FileProblem[] = [];
  const visit = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        visit(x, [...path, i]);
      });
      return;
    }
    if (!isPlainObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (/_file$/.test(k) && typeof x === 'string' && x !== '' && x !== '-') {
        const why = unreadable(x);
        if (why) out.push({ path: formatPath([...path, k]), file: x, message: why });
      } else {
        visit(x, [...path, k]);
      }
    }
  };
  visit(cfg, []);
  return out;
}

function unreadable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'is not a regular file';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : (code ?? 'unreadable');
  }
}
