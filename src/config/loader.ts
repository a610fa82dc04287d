/**
 * Reads thump.yaml, applies `THUMP_*` env overrides and command-line overrides, validates
 * the result against the schema it is given (the CLI passes the composed one from
 * src/cli/config-schema.ts; this folder knows no area's keys) and returns the typed config. Precedence:
 * flags > env > file > schema defaults. Every problem becomes one line naming the key path,
 * what was expected and where the value came from; all of them are reported at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { readErrorReason } from '../util/read-error.js';
import { coerceLeaf, valueAt } from './coerce.js';
import { envLayer } from './env.js';
import { type ConfigIssue, ConfigIssuesError, type ConfigOrigin, formatPath } from './issue.js';
import { isPlainObject, merge, type Path, resolvePathAt, resolvePathKeys, startsWith } from './layers.js';
import { shapeOf } from './schema-walk.js';
import { parseYaml, type YamlSource } from './yaml-source.js';
import { toConfigIssues } from './zod-issues.js';

/** Where to read the config from and what overrides it. */
export interface LoadConfigOptions {
  /** The YAML file; when absent, `THUMP_CONFIG` from `env`, else no file (defaults only). */
  path?: string;
  /** Environment for `THUMP_*` overrides; defaults to `process.env` in {@link loadConfig}. */
  env?: NodeJS.ProcessEnv;
  /**
   * Command-line overrides in the same shape and units as the YAML file, e.g.
   * `{ monitor: { db: opts.db } }` with the flag's text (`'5s'`, not milliseconds).
   * `undefined` leaves mean "flag not given". Lists replace the file's list.
   */
  overrides?: object;
}

/** The validated config plus what a `check-config` or a log line may want to show. */
export interface LoadedConfig<C> {
  config: C;
  /** Absolute path of the file read, if any. */
  file?: string;
  /** Folder relative `*_file` paths resolve against (the file's folder, else the cwd). */
  baseDir: string;
  /** `THUMP_*` variables that were applied, sorted. */
  envApplied: string[];
}

interface Source {
  text: string;
  name: string;
  baseDir: string;
}

/**
 * Loads and validates the configuration. Throws {@link ConfigIssuesError} (a ConfigError,
 * exit 2) listing every problem. Relative `*_file`/`*_path`/`*_dir` values in the file are
 * made absolute against the file's folder.
 */
export function loadConfig<S extends z.ZodType>(schema: S, opts: LoadConfigOptions = {}): z.output<S> {
  return loadConfigDetailed(schema, opts).config;
}

/** {@link loadConfig} that also says which file and env variables were used. */
export function loadConfigDetailed<S extends z.ZodType>(
  schema: S,
  opts: LoadConfigOptions = {},
): LoadedConfig<z.output<S>> {
  const env = opts.env ?? process.env;
  const path = opts.path ?? (env.THUMP_CONFIG ? env.THUMP_CONFIG : undefined);
  let source: Source | undefined;
  if (path !== undefined) {
    const file = resolve(path);
    source = { text: readConfigFile(file, path), name: path, baseDir: dirname(file) };
    const loaded = build(schema, source, env, opts.overrides);
    return { ...loaded, file };
  }
  return build(schema, undefined, env, opts.overrides);
}

/**
 * Parses and validates YAML text (`source` names it in messages). Pure: no env unless
 * given, relative paths resolve against `baseDir` (default: the working directory).
 */
export function parseConfigText<S extends z.ZodType>(
  schema: S,
  text: string,
  source = 'thump.yaml',
  opts: { env?: NodeJS.ProcessEnv; overrides?: object; baseDir?: string } = {},
): z.output<S> {
  return build(
    schema,
    { text, name: source, baseDir: opts.baseDir ?? process.cwd() },
    opts.env ?? {},
    opts.overrides,
  ).config;
}

function readConfigFile(file: string, shown: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const why = readErrorReason(err, (err as Error).message);
    throw new ConfigIssuesError(
      [{ path: '', message: `cannot read config file: ${why}`, origin: { kind: 'file', file: shown } }],
      { cause: err },
    );
  }
}

/**
 * The whole pipeline for any schema (tests pass small ones): parse, layer, coerce,
 * validate, report. Absurdly deep input (thousands of nested mappings) is a ConfigError
 * too, never a stack overflow.
 */
export function build<S extends z.ZodType>(
  schema: S,
  source: Source | undefined,
  env: NodeJS.ProcessEnv,
  overrides: object | undefined,
): { config: z.output<S>; baseDir: string; envApplied: string[] } {
  try {
    return buildUnguarded(schema, source, env, overrides);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new ConfigIssuesError(
      [
        {
          path: '',
          message: 'is nested too deeply to be a thump configuration',
          origin: source ? { kind: 'file', file: source.name } : { kind: 'flag' },
        },
      ],
      { cause: err },
    );
  }
}

function buildUnguarded<S extends z.ZodType>(
  schema: S,
  source: Source | undefined,
  env: NodeJS.ProcessEnv,
  overrides: object | undefined,
): { config: z.output<S>; baseDir: string; envApplied: string[] } {
  const issues: ConfigIssue[] = [];
  let yaml: YamlSource | undefined;
  let fileData: unknown = {};
  if (source) {
    yaml = parseYaml(source.text, source.name);
    if (!isPlainObject(yaml.data)) {
      throw new ConfigIssuesError([
        {
          path: '',
          message: `expected a mapping of keys at the top level, got ${Array.isArray(yaml.data) ? 'a list' : typeof yaml.data}`,
          origin: { kind: 'file', file: source.name, position: yaml.locate([]) },
        },
      ]);
    }
    fileData = resolvePathKeys(yaml.data, source.baseDir);
  }

  const topLevel = Object.keys(shapeOf(schema) ?? {});
  const envL = envLayer(env, topLevel);
  issues.push(...envL.issues);

  const flagSet: Path[] = [];
  // Text from env and flags takes the type its key wants: `8080` is a number for a port
  // and text for a host id. Env prefers the YAML reading, flags the literal text.
  let data = merge({}, fileData, () => {});
  data = merge(data, envL.data, () => {});
  for (const leaf of envL.leaves) data = coerceLeaf(schema, data, leaf.path, leaf.raw, 'yaml-first');
  data = merge(data, overrides ?? {}, (p) => flagSet.push(p));
  for (const p of flagSet) {
    const v = valueAt(data, p);
    if (typeof v === 'string') data = coerceLeaf(schema, data, p, v, 'text-first');
  }
  // Every path in the loaded config is absolute: file values were resolved against the
  // file's folder, env and flag values resolve against the working directory.
  const cwd = process.cwd();
  for (const leaf of envL.leaves) resolvePathAt(data, leaf.path, cwd);
  for (const p of flagSet) resolvePathAt(data, p, cwd);

  const originOf = (path: Path): ConfigOrigin => {
    // The layer that set this value (or a mapping or list holding it) is the one to fix.
    if (flagSet.some((p) => startsWith(path, p))) return { kind: 'flag' };
    const envLeaf = envL.leaves.find((l) => startsWith(path, l.path));
    if (envLeaf) return { kind: 'env', name: envLeaf.name };
    // A key the file does not have (unknown, or missing inside something env or flags
    // created) belongs to whoever set values under it, else to the file's nearest line.
    if (!yaml?.has(path)) {
      if (flagSet.some((p) => startsWith(p, path))) return { kind: 'flag' };
      const envChild = envL.leaves.find((l) => startsWith(l.path, path));
      if (envChild) return { kind: 'env', name: envChild.name };
      const parent = path.slice(0, -1);
      if (!yaml?.has(parent)) {
        if (flagSet.some((p) => startsWith(p, parent))) return { kind: 'flag' };
        const sibling = envL.leaves.find((l) => startsWith(l.path, parent));
        if (sibling) return { kind: 'env', name: sibling.name };
      }
    }
    if (source && yaml) return { kind: 'file', file: source.name, position: yaml.locate(path) };
    return { kind: 'default' };
  };

  const pairs = pairIssues(data, [], originOf);
  issues.push(...pairs);

  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(data);
  } catch (err) {
    // A schema refinement that throws is a bug in thump, but the user still gets a
    // ConfigError naming the problem instead of a crash.
    throw new ConfigIssuesError(
      [
        ...issues,
        {
          path: '',
          message: `could not be validated: ${(err as Error).message}`,
          origin: { kind: 'default' },
        },
      ],
      { cause: err },
    );
  }
  if (!result.success) {
    const zodIssues = toConfigIssues(result.error.issues, { schema, input: data, originOf });
    // An area may check its own `x` & `x_file` pair too (often naming `x_env` as well):
    // say it once, in the area's words.
    const areaSaid = (pair: ConfigIssue) => {
      const base = pair.path.slice(pair.path.lastIndexOf('.') + 1);
      return zodIssues.some(
        (i) => /(at most|exactly) one of/.test(i.message) && i.message.includes(`${base}_file`),
      );
    };
    const kept = pairs.filter((p) => !areaSaid(p));
    issues.splice(issues.length - pairs.length, pairs.length, ...kept);
    issues.push(...zodIssues);
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigIssuesError(
      issues.length > 0 ? issues : [{ path: '', message: 'is invalid', origin: { kind: 'default' } }],
    );
  }
  return {
    config: result.data,
    baseDir: source?.baseDir ?? process.cwd(),
    envApplied: envL.leaves.map((l) => l.name),
  };
}

/**
 * Alertmanager's rule for secret pairs: a key `x` and its `x_file` are alternatives, so
 * setting both is an error, whatever the area.
 */
function pairIssues(data: unknown, path: Path, originOf: (p: Path) => ConfigOrigin): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (Array.isArray(data)) {
    data.forEach((v, i) => {
      out.push(...pairIssues(v, [...path, i], originOf));
    });
  } else if (isPlainObject(data)) {
    for (const [k, v] of Object.entries(data)) {
      if (k.endsWith('_file') && v !== undefined && v !== null) {
        const base = k.slice(0, -'_file'.length);
        if (base && data[base] !== undefined && data[base] !== null) {
          const p: Path = [...path, base];
          out.push({
            path: formatPath(p),
            message: `at most one of ${base} & ${k} may be set`,
            origin: originOf(p),
          });
        }
      }
      out.push(...pairIssues(v, [...path, k], originOf));
    }
  }
  return out;
}
