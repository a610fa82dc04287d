import type { Command } from 'commander';
import {
  ConfigIssuesError,
  configJsonSchema,
  fileProblems,
  formatConfig,
  formatOrigin,
  loadConfigDetailed,
  redactConfig,
} from '../config/index.js';
import { UsageError } from '../errors.js';
import { createNotifier } from '../notify/notifiers/index.js';
import { loadSecretKeys } from '../protocol/index.js';
import { configSchema, type ThumpConfig } from './config-schema.js';
import { configuredHttpToken, monitorKeyring } from './monitor-secrets.js';

interface CheckConfigOptions {
  json?: boolean;
  env?: boolean;
  schema?: boolean;
  strict?: boolean;
}

/**
 * Builds every notifier the way `thump monitor` does at start-up (reading their secret
 * files and variables, checking URLs), without sending anything: `--strict` then catches
 * what only the target machine can know.
 */
function notifierProblems(
  cfg: ThumpConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  cfg.notifiers.forEach((n, i) => {
    try {
      createNotifier(n, { baseDir, env });
    } catch (err) {
      out.push({ path: `notifiers[${i}]`, message: (err as Error).message });
    }
  });
  return out;
}

/**
 * Reads the secret and token files the config names with the very functions `thump monitor`
 * and `thump agent` use at start-up (one secret-file reader: private, owned by this user or
 * root, not empty), so a file they would refuse is refused here too. `skip` holds key paths
 * already reported as unreadable.
 */
function secretProblems(
  cfg: ThumpConfig,
  env: NodeJS.ProcessEnv,
  skip: ReadonlySet<string>,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const check = (path: string, set: boolean, read: () => unknown) => {
    if (!set || skip.has(path)) return;
    try {
      read();
    } catch (err) {
      const m = (err as Error).message;
      out.push({ path, message: m.startsWith(`${path}: `) ? m.slice(path.length + 2) : m });
    }
  };
  check('monitor.secret_file', cfg.monitor.secret_file !== undefined, () => monitorKeyring(cfg, {}));
  const agentFile = cfg.agent.secret_file;
  check('agent.secret_file', agentFile !== undefined, () =>
    loadSecretKeys(agentFile as string, 'agent.secret_file'),
  );
  check('http.token_file', cfg.http.token_file !== undefined, () => configuredHttpToken(cfg, env));
  return out;
}

/**
 * Registers `thump check-config FILE [--json] [--no-env] [--strict]` (and `--schema`):
 * validates a thump.yaml (with `THUMP_*` overrides applied) and prints the effective config
 * with secrets redacted. Exit 0 when valid, 2 with every problem listed (one per line) when
 * not, so it fits in CI and pre-deploy hooks. Unreadable `*_file` paths, and secret or
 * token files the monitor would refuse (group/other-readable, another user's, empty), are
 * warnings, or errors with `--strict`, which also builds every notifier as the monitor would.
 */
export function register(program: Command): void {
  program
    .command('check-config')
    .description('validate a thump.yaml and print the effective config (secrets redacted)')
    .argument('[file]', 'the config file to check')
    .option(
      '--json',
      'print the result as JSON: {"valid":true,"config":...} or {"valid":false,"errors":[...]}',
    )
    .option('--no-env', 'ignore THUMP_* environment overrides')
    .option(
      '--strict',
      'also build every notifier (reading its secrets) and treat unreadable *_file paths as errors',
    )
    .option('--schema', 'print the JSON Schema of thump.yaml (for editors) and exit')
    .action((file: string | undefined, opts: CheckConfigOptions) => {
      if (opts.schema) {
        process.stdout.write(`${JSON.stringify(configJsonSchema(configSchema), null, 2)}\n`);
        return;
      }
      if (file === undefined) throw new UsageError('check-config: missing FILE (the thump.yaml to check)');
      const env = opts.env === false ? {} : process.env;
      try {
        const loaded = loadConfigDetailed(configSchema, { path: file, env });
        // Files are checked from this machine: warnings unless --strict, since a config is
        // often checked in CI, far from the secrets it will read in production.
        const warnings = fileProblems(loaded.config).map((w) => ({
          path: w.path,
          message: `${w.file}: ${w.message}`,
        }));
        warnings.push(...secretProblems(loaded.config, env, new Set(warnings.map((w) => w.path))));
        if (opts.strict) warnings.push(...notifierProblems(loaded.config, loaded.baseDir, env));
        const failed = opts.strict === true && warnings.length > 0;
        if (opts.json) {
          const out = {
            valid: !failed,
            file: loaded.file,
            env: loaded.envApplied,
            warnings,
            config: redactConfig(loaded.config),
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          const via = loaded.envApplied.length > 0 ? ` (with ${loaded.envApplied.join(', ')})` : '';
          for (const w of warnings) {
            process.stderr.write(`thump: ${failed ? 'error' : 'warning'}: ${w.path}: ${w.message}\n`);
          }
          if (!failed)
            process.stdout.write(`# ${file}: valid${via}\n${formatConfig(loaded.config, configSchema)}`);
        }
        if (failed) process.exitCode = 2;
      } catch (err) {
        if (opts.json && err instanceof ConfigIssuesError) {
          const errors = err.issues.map((i) => ({
            path: i.path,
            message: i.message,
            source: formatOrigin(i.origin),
            ...(i.origin.kind === 'file' && i.origin.position
              ? { line: i.origin.position.line, column: i.origin.position.column }
              : {}),
            ...(i.origin.kind === 'env' ? { env: i.origin.name } : {}),
          }));
          process.stdout.write(`${JSON.stringify({ valid: false, file, errors }, null, 2)}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
