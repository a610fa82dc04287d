/**
 * `THUMP_*` environment overrides. `THUMP_MONITOR__DB=/x` sets `monitor.db`: the prefix is
 * dropped, `__` separates nesting levels, names are lower-cased, and a segment of digits is
 * a list index (`THUMP_NOTIFIERS__0__URL`). Values are read as YAML scalars (`10s`, `8080`,
 * `true`) or flow collections (`[a, b]`), then coerced back to text where the key wants text.
 */
import type { ConfigIssue } from './issue.js';
import { IndexPatch, isPlainObject, type Path, setOwn } from './layers.js';
import { suggestKey } from './schema-walk.js';

export const ENV_PREFIX = 'THUMP_';

/**
 * Variables that are never config-key overrides: the shared secret (read by the agent and
 * monitor commands themselves) and the config file location.
 */
export const RESERVED_ENV = new Set(['THUMP_SECRET', 'THUMP_SECRET_FILE', 'THUMP_CONFIG']);

/** One variable mapped to a key path, with its raw text (coerced once the schema is known). */
export interface EnvLeaf {
  name: string;
  path: Path;
  raw: string;
}

/** The env layer: nested data to merge plus the leaves it set. */
export interface EnvLayer {
  data: Record<string, unknown>;
  leaves: EnvLeaf[];
  issues: ConfigIssue[];
}

/** Maps `THUMP_A__B__0__C` to `['a', 'b', 0, 'c']`; undefined if the name is malformed. */
export function envNameToPath(name: string): Path | undefined {
  if (!name.startsWith(ENV_PREFIX)) return undefined;
  const segs = name.slice(ENV_PREFIX.length).split('__');
  if (segs.some((s) => s === '')) return undefined;
  return segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s.toLowerCase()));
}

/**
 * Builds the env layer from `env`. Variables whose first segment names a top-level key
 * are applied; a name with `__` whose first segment is unknown is an error (a typo would
 * otherwise be silently ignored); any other `THUMP_*` name is left to whoever reads it.
 * Empty values count as unset.
 */
export function envLayer(env: NodeJS.ProcessEnv, topLevelKeys: readonly string[]): EnvLayer {
  const data: Record<string, unknown> = {};
  const leaves: EnvLeaf[] = [];
  const issues: ConfigIssue[] = [];
  const names = Object.keys(env)
    .filter((n) => n.startsWith(ENV_PREFIX) && !RESERVED_ENV.has(n))
    .sort();
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const path = envNameToPath(name);
    const head = path?.[0];
    if (path === undefined || typeof head !== 'string' || !topLevelKeys.includes(head)) {
      if (name.includes('__')) {
        const first = name.slice(ENV_PREFIX.length).split('__')[0] ?? '';
        const hint = suggestKey(first.toLowerCase(), topLevelKeys);
        issues.push({
          path: '',
          message: `does not name a config key${hint ? `; did you mean THUMP_${hint.toUpperCase()}__...?` : ''}`,
          origin: { kind: 'env', name },
        });
      }
      continue;
    }
    if (!setPath(data, path, raw)) {
      issues.push({
        path: '',
        message: `${name} conflicts with another THUMP_* variable for the same key`,
        origin: { kind: 'env', name },
      });
      continue;
    }
    leaves.push({ name, path, raw });
  }
  return { data, leaves, issues };
}

/** Sets `raw` at `path`, creating objects and index patches; false on a shape conflict. */
function setPath(root: Record<string, unknown>, path: Path, raw: string): boolean {
  let node: Record<string, unknown> | IndexPatch = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const last = i === path.length - 1;
    const nextIsIndex = typeof path[i + 1] === 'number';
    const get = (): unknown => (node instanceof IndexPatch ? node.get(seg as number) : node[seg as string]);
    const put = (v: unknown) => {
      if (node instanceof IndexPatch) node.set(seg as number, v);
      else setOwn(node, String(seg), v);
    };
    if (typeof seg === 'number' && !(node instanceof IndexPatch)) return false;
    if (typeof seg === 'string' && node instanceof IndexPatch) return false;
    if (last) {
      if (get() !== undefined) return false;
      put(raw);
      return true;
    }
    let child = get();
    if (child === undefined) {
      child = nextIsIndex ? new IndexPatch() : {};
      put(child);
    }
    if (nextIsIndex ? !(child instanceof IndexPatch) : !isPlainObject(child)) return false;
    node = child as Record<string, unknown> | IndexPatch;
  }
  return false;
}
