import { ConfigError } from '../errors.js';

/** A position in a YAML file, 1-based like editors show it. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where a configuration value came from; error messages name it. */
export type ConfigOrigin =
  | { kind: 'file'; file: string; position?: SourcePosition }
  | { kind: 'env'; name: string }
  | { kind: 'flag' }
  | { kind: 'default' };

/** One problem in a configuration: the key path, what was expected, and where it came from. */
export interface ConfigIssue {
  /** Key path as written in docs and messages, e.g. `notifiers[2].url` (empty for the root). */
  path: string;
  message: string;
  origin: ConfigOrigin;
}

/** `notifiers[2].url` from `['notifiers', 2, 'url']`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** `thump.yaml:12:5`, `THUMP_MONITOR__DB`, `command line` or `defaults`. */
export function formatOrigin(origin: ConfigOrigin): string {
  switch (origin.kind) {
    case 'file':
      return origin.position
        ? `${origin.file}:${origin.position.line}:${origin.position.column}`
        : origin.file;
    case 'env':
      return `env ${origin.name}`;
    case 'flag':
      return 'command line';
    case 'default':
      return 'defaults';
  }
}

/** One line per issue: `thump.yaml:12:5: notifiers[2].url: expected a URL, got "x"`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = formatOrigin(issue.origin);
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

const MAX_LINES = 40;

const KIND_ORDER = { file: 0, env: 1, flag: 2, default: 3 } as const;

/** File problems in reading order, then env, flags and defaults (stable otherwise). */
function byPlace(a: ConfigIssue, b: ConfigIssue): number {
  const k = KIND_ORDER[a.origin.kind] - KIND_ORDER[b.origin.kind];
  if (k !== 0) return k;
  if (a.origin.kind === 'file' && b.origin.kind === 'file') {
    const pa = a.origin.position ?? { line: 0, column: 0 };
    const pb = b.origin.position ?? { line: 0, column: 0 };
    return pa.line - pb.line || pa.column - pb.column;
  }
  return 0;
}

/**
 * A configuration that failed to parse or validate. Carries every issue (so `check-config
 * --json` can list them) and a message with one line per issue. Exit code 2 like any
 * {@link ConfigError}.
 */
export class ConfigIssuesError extends ConfigError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const sorted = [...issues].sort(byPlace);
    super(ConfigIssuesError.describe(sorted), options);
    this.issues = sorted;
  }

  private static describe(issues: readonly ConfigIssue[]): string {
    if (issues.length === 1) return `invalid configuration: ${formatIssue(issues[0] as ConfigIssue)}`;
    // A file that is not a thump config at all can produce hundreds of lines; the first
    // screenful says enough (`check-config --json` lists them all).
    const shown = issues.slice(0, MAX_LINES).map((i) => `  ${formatIssue(i)}`);
    const more = issues.length > MAX_LINES ? [`  ... and ${issues.length - MAX_LINES} more`] : [];
    return [`invalid configuration (${issues.length} errors):`, ...shown, ...more].join('\n');
  }
}
