import type { LoadConfigOptions } from '../config/loader.js';
import type { ThumpConfig } from './config-schema.js';

/**
 * Loads the whole thump.yaml against the composed schema, importing the loader and every
 * area's schema (zod, YAML: ~0.2 s of CPU) only when called, so `thump sweep` and
 * `thump worker` without a config file or `THUMP_*` variables never pay for it.
 */
export async function loadThumpConfigLazily(opts: LoadConfigOptions): Promise<ThumpConfig> {
  const [{ loadConfig }, { configSchema }] = await Promise.all([
    import('../config/loader.js'),
    import('./config-schema.js'),
  ]);
  return loadConfig(configSchema, opts);
}
