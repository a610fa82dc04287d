/**
 * Development tool: regenerates the key reference in docs/configuration.md (between the
 * `<!-- reference:start -->` and `<!-- reference:end -->` markers) from the composed
 * schema, taking descriptions from the TSDoc comments above each key in src/.
 *
 *   node --import tsx src/cli/write-config-reference.ts          # rewrite the docs
 *   node --import tsx src/cli/write-config-reference.ts --check  # exit 1 if out of date
 *
 * Uses the TypeScript compiler API (a dev dependency), so nothing in the CLI imports it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type ReferenceRow, referenceRows, renderReference } from '../config/reference.js';
import { configSchema } from './config-schema.js';

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
      if (ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) {
        const key = ts.isPropertySignature(node)
          ? ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)
            ? node.name.text
            : undefined
          : nameOf(node);
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
export const EXTRA: Record<string, string> = {
  monitor: 'The monitor: where it listens for beats, where it keeps state, when a host counts as down.',
  'monitor.flapping':
    'Flap detection with hysteresis (Icinga 2 style weighted state changes over the last 20 checks).',
  'monitor.flapping.enabled': 'Turn flap detection off to get every up/down as it happens.',
  'monitor.partition':
    'Monitor-side outage detection: when most hosts fall silent at once, one `network` event instead of a page per host.',
  'monitor.partition.enabled': 'Turn the network-partition guess off.',
  http: 'The HTTP API, live dashboard, Server-Sent Events and `/metrics`.',
  agent: 'The agent: where and how often it sends beats, and what it says about itself.',
  'checks[].type': 'Which check this is; a list item with `command` and no `type` is a `command` check.',
  'checks[].warn@disk': 'WARNING at or above this percentage of a filesystem used.',
  'checks[].crit@disk': 'CRITICAL at or above this percentage of a filesystem used.',
  'checks[].warn@memory': 'WARNING at or above this percentage of memory used (MemAvailable-based).',
  'checks[].crit@memory': 'CRITICAL at or above this percentage of memory used.',
  'checks[].meminfo_file':
    'Where memory figures are read (for containers that see the host’s /proc elsewhere).',
  'checks[].crit@load': 'CRITICAL threshold per CPU core.',
  'checks[].crit@temperature': 'Degrees Celsius for CRITICAL.',
  'checks[].mdstat_file':
    'Where software RAID state is read (for containers that see the host’s /proc elsewhere).',
  'notifiers[].name': 'Unique name of this notifier; routes and `thump notify-test NAME` refer to it.',
  'notifiers[].type': 'Which service this notifier talks to; decides the other keys.',
  'notifiers[].timeout':
    'Budget for one delivery attempt (connect, send, response); retries are the outbox’s job.',
  'notifiers[].url@webhook':
    'Where the JSON document is POSTed. Prefer `url_file` when the URL carries a token.',
  'notifiers[].secret@webhook':
    'HMAC-SHA256 key for signing each request body (see docs/notifiers.md); optional.',
  'notifiers[].signature_header@webhook': 'Header carrying the `sha256=` signature when `secret` is set.',
  'notifiers[].url@slack': 'The Slack incoming-webhook URL (a secret: prefer `url_file` or `url_env`).',
  'notifiers[].channel@slack': 'Override the webhook’s default channel (legacy webhooks only).',
  'notifiers[].username@slack': 'Override the displayed sender name (legacy webhooks only).',
  'notifiers[].icon_emoji@slack': 'Emoji used as the sender’s avatar, e.g. `:rotating_light:`.',
  'notifiers[].icon_url@slack': 'Image URL used as the sender’s avatar.',
  'notifiers[].url@discord': 'The Discord webhook URL (a secret: prefer `url_file` or `url_env`).',
  'notifiers[].username@discord': 'Override the webhook’s displayed name.',
  'notifiers[].avatar_url@discord': 'Override the webhook’s avatar image.',
  'notifiers[].server@ntfy': 'The ntfy server; self-hosted servers work the same.',
  'notifiers[].priority@ntfy': 'Priority of alerts and reminders (1-5 or a name such as `high`).',
  'notifiers[].resolved_priority@ntfy': 'Priority of resolved and test messages.',
  'notifiers[].tags@ntfy': 'ntfy tags (emoji shortcodes such as `warning` show as icons).',
  'notifiers[].token@ntfy': 'Access token for protected topics.',
  'notifiers[].password@ntfy': 'Password for basic auth (with `username`).',
  'notifiers[].token@pushbullet': 'Pushbullet access token.',
  'notifiers[].base_url@pushbullet': 'API base URL (changed only for tests or proxies).',
  'notifiers[].device_iden@pushbullet': 'Push to one device instead of all of the account’s devices.',
  'notifiers[].channel_tag@pushbullet': 'Push to a channel’s subscribers instead.',
  'notifiers[].email@pushbullet': 'Push to another Pushbullet user by email instead.',
  'notifiers[].token@gotify': 'Gotify application token.',
  'notifiers[].priority@gotify':
    'Priority of alerts and reminders (0-10; 8 and above ring on Android by default).',
  'notifiers[].resolved_priority@gotify': 'Priority of resolved and test messages.',
  'notifiers[].token@telegram': 'The bot token from @BotFather.',
  'notifiers[].api_url@telegram': 'Bot API base URL (changed only for tests or a local Bot API server).',
  'notifiers[].host@email': 'SMTP server host name.',
  'notifiers[].port@email':
    'SMTP port: 587 for submission with STARTTLS, 465 with `secure: true`, 25 for relays.',
  'notifiers[].username@email': 'SMTP login; without it no authentication is attempted.',
  'notifiers[].password@email': 'SMTP password.',
  'notifiers[].from@email': 'Sender address, e.g. `thump <thump@example.org>`.',
  'notifiers[].to@email': 'Recipient address, or a list of them.',
  'notifiers[].subject_prefix@email': 'Text put in front of every subject (filters match on it).',
  'notifiers[].external_url@alertmanager':
    'Link shown in Alertmanager as the alerts’ source (e.g. the thump dashboard).',
  'notifiers[].token@alertmanager': 'Bearer token, when Alertmanager sits behind an authenticating proxy.',
  'notifiers[].username@alertmanager':
    'Basic-auth user, when Alertmanager sits behind an authenticating proxy.',
  'notifiers[].password@alertmanager': 'Basic-auth password.',
  'notifiers[].args@command': 'Arguments passed to `command` (no shell involved).',
  grouping: 'Grouping of events into messages, and reminders while a problem lasts.',
  silences:
    'Silences (maintenance windows) from the config; more can be added at run time with `thump silence add`.',
  'silences[].hosts': 'Host id or glob (`web-*`) the silence applies to.',
  'silences[].starts_at': 'Start of a one-off silence (ISO 8601); default: already started.',
  'silences[].ends_at': 'End of a one-off silence (ISO 8601).',
  'silences[].cron': 'Recurring silence: 5-field cron expression (UTC) for when each window starts.',
  'silences[].duration': 'Length of each recurring window started by `cron`.',
  'silences[].comment': 'Why (shown in the API and dashboard).',
  watchdog:
    "Dead man's switch: the monitor pings this URL regularly, so its own silence is noticed elsewhere.",
  'watchdog.interval': 'How often the URL is pinged.',
  'watchdog.timeout': 'Budget for one ping request.',
  'watchdog.method': 'HTTP method of the ping.',
  delivery: 'Retries of the notification outbox.',
  sweep: 'Defaults for `thump sweep` and `thump worker` (agentless SSH uptime sweeps); flags override them.',
  'delivery.retry_max': 'Longest wait between two attempts.',
};

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
      process.stderr.write(
        `${DOC} is out of date: run node --import tsx src/cli/write-config-reference.ts\n`,
      );
      process.exitCode = 1;
    }
  } else if (next !== doc) {
    writeFileSync(DOC, next);
    process.stdout.write(`updated ${relative(process.cwd(), DOC)}\n`);
  } else {
    process.stdout.write(`${relative(process.cwd(), DOC)} is up to date\n`);
  }
}
