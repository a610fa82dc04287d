import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type ConfigIssue, ConfigIssuesError, type SourcePosition } from './issue.js';

/** A parsed YAML file: its plain data and a way to point at the line of any key path. */
export interface YamlSource {
  /** The document as plain JS (mappings as objects, sequences as arrays); `{}` for an empty file. */
  data: unknown;
  /** The line:column of the key (or item) at `path`, or of its nearest ancestor present. */
  locate(path: readonly PropertyKey[]): SourcePosition | undefined;
  /** Whether the file itself has a value at `path`. */
  has(path: readonly PropertyKey[]): boolean;
}

// Bounds on hostile input: a config is a small hand-written file.
const MAX_ALIASES = 100;

/**
 * Parses YAML text (`source` names it in messages). Syntax errors become a
 * {@link ConfigIssuesError} with line:column for each; the data is not validated here.
 */
export function parseYaml(text: string, source: string): YamlSource {
  const lineCounter = new LineCounter();
  // logLevel silent: the yaml package would otherwise print warnings to stderr itself.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // Warnings (an unknown `!tag`, a mapping used as a key) mean the file does not say what
  // its author thinks: for a config, they are errors too.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const issues: ConfigIssue[] = problems.map((e) => ({
      path: '',
      message: `YAML ${e.name === 'YAMLWarning' ? 'error' : 'syntax error'}: ${firstLine(e.message)}`,
      origin: { kind: 'file', file: source, position: pos(e.pos[0]) },
    }));
    throw new ConfigIssuesError(issues);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new ConfigIssuesError([
      {
        path: '',
        message: `YAML error: ${firstLine((err as Error).message)}`,
        origin: { kind: 'file', file: source },
      },
    ]);
  }
  const locate = (path: readonly PropertyKey[]): SourcePosition | undefined => {
    let node: unknown = doc.contents;
    let best: Node | undefined = isNodeWithRange(node) ? node : undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(seg));
        if (!pair) break;
        if (isNodeWithRange(pair.key)) best = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        if (isNodeWithRange(item)) best = item;
        node = item;
      } else {
        break;
      }
    }
    return best?.range ? pos(best.range[0]) : undefined;
  };
  const has = (path: readonly PropertyKey[]): boolean => {
    let v: unknown = data;
    for (const seg of path) {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return false;
      v = (v as Record<PropertyKey, unknown>)[seg];
    }
    return true;
  };
  return { data: data ?? {}, locate, has };
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function isNodeWithRange(n: unknown): n is Node {
  return typeof n === 'object' && n !== null && Array.isArray((n as Node).range);
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}
