/**
 * Configuration layers (file, env, flags) and how they merge. Pure: no I/O, no process
 * globals. Objects merge key by key; any other value (including a list) from a higher
 * layer replaces the lower one, except env index patches (`THUMP_NOTIFIERS__0__URL`),
 * which change one item of a list.
 */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

export type Path = readonly PropertyKey[];

/** Items of a list addressed by index (from env names with a numeric segment). */
export class IndexPatch extends Map<number, unknown> {}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Map) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sets an own enumerable property even for names like `__proto__` (which then fail validation). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of plain data (objects, lists, patches); leaves other values as they are. */
export function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof IndexPatch) return new IndexPatch([...v].map(([k, x]) => [k, clone(x)]));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, clone(x));
    return out;
  }
  return v;
}

/** Called with the path of every value a layer sets. */
export type OnSet = (path: Path) => void;

/**
 * Merges `source` into a copy of `target` and returns it. `undefined` in the source means
 * "not given" and never erases a lower layer. Calls `onSet` for each value written.
 */
export function merge(target: unknown, source: unknown, onSet: OnSet, path: Path = []): unknown {
  if (source === undefined) return target;
  if (source instanceof IndexPatch) {
    const list = Array.isArray(target) ? target.map(clone) : [];
    for (const [i, v] of [...source].sort((a, b) => a[0] - b[0])) {
      list[i] = merge(list[i], v, onSet, [...path, i]);
    }
    return list;
  }
  if (isPlainObject(source) && isPlainObject(target)) {
    const out = clone(target) as Record<string, unknown>;
    for (const [k, v] of Object.entries(source)) {
      if (v === undefined) continue;
      setOwn(out, k, merge(out[k], v, onSet, [...path, k]));
    }
    return out;
  }
  if (isPlainObject(source)) {
    return merge({}, source, onSet, path);
  }
  onSet(path);
  return clone(source);
}

const PATH_KEY = /(_file|_path|_dir)$/;
const PATH_LIST_KEY = /(_files|_paths|_dirs)$/;

/** Resolves `~/x` and relative paths against `baseDir`; leaves other values alone. */
export function resolvePathValue(value: unknown, baseDir: string): unknown {
  if (typeof value !== 'string' || value === '' || value === '-') return value;
  // A URL (`postgres://…` for monitor.db_path) is not a path: resolving it would turn a
  // database address into a file named after it. The key's consumer validates the scheme.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  if (value === '~' || value.startsWith('~/')) return resolve(homedir(), value.slice(2));
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

/**
 * Makes every path-valued key (`*_file`, `*_path`, `*_dir`, and lists under `*_files`,
 * `*_paths`, `*_dirs`) absolute against `baseDir`: a config file's relative paths mean
 * "next to this file", whatever the working directory of the process reading it.
 */
export function resolvePathKeys(data: unknown, baseDir: string): unknown {
  if (Array.isArray(data)) return data.map((v) => resolvePathKeys(v, baseDir));
  if (!isPlainObject(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    let next: unknown;
    if (PATH_KEY.test(k)) next = resolvePathValue(v, baseDir);
    else if (PATH_LIST_KEY.test(k) && Array.isArray(v)) next = v.map((x) => resolvePathValue(x, baseDir));
    else next = resolvePathKeys(v, baseDir);
    setOwn(out, k, next);
  }
  return out;
}

/**
 * Makes the value at `path` absolute against `baseDir` when its key is path-valued (see
 * {@link resolvePathKeys}); used for values from env and flags, which mean "relative to
 * the working directory". Mutates `data`.
 */
export function resolvePathAt(data: unknown, path: Path, baseDir: string): void {
  const key = path[path.length - 1];
  let parent: unknown = data;
  for (const seg of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return;
    parent = (parent as Record<PropertyKey, unknown>)[seg];
  }
  if (!isPlainObject(parent) || typeof key !== 'string') {
    // A list item under a `*_files` key.
    const listKey = path[path.length - 2];
    if (
      Array.isArray(parent) &&
      typeof key === 'number' &&
      typeof listKey === 'string' &&
      PATH_LIST_KEY.test(listKey)
    ) {
      parent[key] = resolvePathValue(parent[key], baseDir);
    }
    return;
  }
  const v = parent[key];
  if (PATH_KEY.test(key)) setOwn(parent, key, resolvePathValue(v, baseDir));
  else if (PATH_LIST_KEY.test(key) && Array.isArray(v)) {
    setOwn(
      parent,
      key,
      v.map((x) => resolvePathValue(x, baseDir)),
    );
  }
}

/** True when `prefix` is a prefix of (or equal to) `path`. */
export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));
}
