/**
 * Development tool: regenerates the key reference in docs/configuration.md (between the
 * `<!-- reference:start -->` and `<!-- reference:end -->` markers) from the composed
 * schema, taking descriptions from the TSDoc comments above each key in src/.
 *
 *   node --import tsx src/config/write-reference.ts          # rewrite the docs
 *   node --import tsx src/config/write-reference.ts --check  # exit 1 if out of date
 *
 * Uses the TypeScript compiler API (a dev dependency), so nothing in the CLI imports it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type ReferenceRow, referenceRows, renderReference } from './reference.js';
import { configSchema } from './schema.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DOC = join(ROOT, 'docs/configuration.md');
export const START = '<!-- reference:start -->';
export const END = '<!-- reference:end -->';

interface Comment {
  key: string;
  text: string;
  /** Names of the enclosing properties/variables, innermost first. */
  owners: string[];
  file: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function nameOf(n: ts.Node): string | undefined {
  if ((ts.isPropertyAssignment(n) || ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n)) && n.name) {
    if (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) return n.name.text;
  }
  return undefined;
}

/** Every `key: value` with a TSDoc comment, with the names enclosing it. */
export function collectComments(files: string[]): Comment[] {
  const out: Comment[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAssignment(node)) {
        const key = nameOf(node);
        const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
        const text = docs
          .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
          .join(' ')
          .trim();
        if (key && text) {
          const owners: string[] = [];
          for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
            const n = nameOf(p);
            if (n) owners.push(n);
          }
          out.push({ key, text: text.split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ') ?? text, owners, file });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/(configshape|shape|schema|config|item|fields)+$/g, '')
    .replace(/ies$/, 'y')
    .replace(/s$/, '');

/**
 * Picks the comment for a reference row: same key, and an owner named like its parent (or,
 * for one variant of a list item, the variant's own file or a shared `common*`/`base*`
 * shape). Then the hand-written {@link EXTRA} text, then generic wording for secret files.
 */
export function describer(
  comments: Comment[],
  paths: ReadonlySet<string>,
): (row: ReferenceRow) => string | undefined {
  return (row) => {
    const segs = row.path.replaceAll('[]', '').split('.');
    const key = segs[segs.length - 1] as string;
    const parent = segs.length > 1 ? norm(segs[segs.length - 2] as string) : '';
    const variant = row.variant?.split(': ')[1];
    const candidates = comments.filter((c) => c.key === key);
    // Only structural matches: a guess by key name alone put the wrong text on a key.
    const score = (c: Comment): number => {
      const owner = c.owners[0] ?? '';
      if (variant !== undefined) {
        if (relative(ROOT, c.file).endsWith(`/${variant}.ts`)) return 3;
        return /^(common|base|shared)/i.test(owner) && norm(owner).includes(parent) ? 2 : 0;
      }
      if (parent === '') return /ConfigShape$/.test(owner) ? 3 : 0;
      if (c.owners.some((o) => norm(o) === parent)) return 3;
      return 0;
    };
    const best = candidates.map((c) => ({ c, s: score(c) })).sort((a, b) => b.s - a.s)[0];
    if (best && best.s > 0) return best.c.text;
    const extra = EXTRA[variant !== undefined ? `${row.path}@${variant}` : row.path] ?? EXTRA[row.path];
    if (extra !== undefined) return extra;
    // Keys made by helpers (secret pairs and triples) get the shared wording.
    const prefix = row.path.slice(0, row.path.length - key.length);
    const file = /^(.+)_file$/.exec(key);
    if (file && paths.has(`${prefix}${file[1]}`)) {
      return `File holding \`${file[1]}\` instead of writing it here (relative to the config file's folder; trailing newline dropped).`;
    }
    const env = /^(.+)_env$/.exec(key);
    if (env && paths.has(`${prefix}${env[1]}`))
      return `Name of an environment variable holding \`${env[1]}\`.`;
    return undefined;
  };
}

/**
 * Descriptions for keys whose owners wrote no TSDoc comment (or whose key is built by a
 * helper). `path` for every variant, or `path@variant` for one.
 */
export const EXTRA: Record<string, string> = {};

/** The reference section as it should be in docs/configuration.md. */
export function generatedReference(): string {
  const comments = collectComments(sourceFiles(join(ROOT, 'src')));
  const paths = new Set(referenceRows(configSchema).map((r) => r.path));
  return renderReference(configSchema, describer(comments, paths));
}

/** Replaces the text between the markers. */
export function spliceReference(doc: string, reference: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} lacks the ${START} / ${END} markers`);
  return `${doc.slice(0, a + START.length)}\n\n${reference.trim()}\n\n${doc.slice(b)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(DOC, 'utf8');
  const next = spliceReference(doc, generatedReference());
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      process.stderr.write(`${DOC} is out of date: run node --import tsx src/config/write-reference.ts\n`);
      process.exitCode = 1;
    }
  } else if (next !== doc) {
    writeFileSync(DOC, next);
    process.stdout.write(`updated ${relative(process.cwd(), DOC)}\n`);
  } else {
    process.stdout.write(`${relative(process.cwd(), DOC)} is up to date\n`);
  }
}
