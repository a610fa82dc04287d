/**
 * thump.yaml machinery that knows no area's keys: the loader (file + `THUMP_*` env + flag
 * overrides, validated against the schema it is given), printing with secrets redacted, and
 * secret-file helpers. The composed schema lives in src/cli/config-schema.ts.
 */
export { ENV_PREFIX, envNameToPath, RESERVED_ENV } from './env.js';
export { type FileProblem, fileProblems } from './file-checks.js';
export { durationText, formatConfig } from './format.js';
export {
  type ConfigIssue,
  ConfigIssuesError,
  type ConfigOrigin,
  formatIssue,
  formatOrigin,
  formatPath,
} from './issue.js';
export { configJsonSchema } from './json-schema.js';
export {
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  loadConfigDetailed,
  parseConfigText,
} from './loader.js';
export { isSecretKey, REDACTED, redactConfig, redactUrl } from './redact.js';
export { readSecretFile, resolveSecret } from './secret.js';
export { duration } from './zod.js';
