import type { Command } from 'commander';
import { loadConfigDetailed } from '../config/index.js';
import { ThumpError, UsageError } from '../errors.js';
import { toNotifyError } from '../notify/errors.js';
import { createNotifier, testBatch } from '../notify/notifiers/index.js';
import { configSchema } from './config-schema.js';

interface NotifyTestOptions {
  config?: string;
}

/**
 * Registers `thump notify-test NAME [--config thump.yaml]`: builds one notifier from the
 * config and sends it a single `test` message, bypassing grouping and the outbox. Exit 0 when
 * the endpoint accepted it, 1 with the classified error (reason, retryable or permanent)
 * when not, 2 when NAME is not configured or the config is invalid.
 */
export function register(program: Command): void {
  program
    .command('notify-test')
    .description('send one test message through a configured notifier')
    .argument('<name>', 'the notifier name (notifiers[].name in the config)')
    .option('-c, --config <file>', 'the config file (default: $THUMP_CONFIG)')
    .action(async (name: string, opts: NotifyTestOptions) => {
      const loaded = loadConfigDetailed(configSchema, opts.config === undefined ? {} : { path: opts.config });
      const list = loaded.config.notifiers;
      const config = list.find((n) => n.name === name);
      if (!config) {
        const known = list.map((n) => n.name);
        const where = loaded.file ?? 'the configuration (no config file given: use --config)';
        throw new UsageError(
          `no notifier named "${name}" in ${where}${known.length > 0 ? `; configured: ${known.join(', ')}` : ''}`,
        );
      }
      const notifier = createNotifier(config, { baseDir: loaded.baseDir });
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      const started = Date.now();
      try {
        await notifier.send(testBatch(name, started), ac.signal);
      } catch (err) {
        const e = toNotifyError(err);
        const kind = e.retryable ? 'retryable' : 'permanent';
        throw new ThumpError(
          `notifier "${name}" (${config.type}) failed [${e.reason}, ${kind}]: ${e.message}`,
        );
      } finally {
        process.off('SIGINT', onSigint);
      }
      process.stdout.write(
        `notifier "${name}" (${config.type}): test message accepted in ${Date.now() - started} ms\n`,
      );
    });
}
