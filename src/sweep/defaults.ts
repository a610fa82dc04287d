/** Sweep defaults in one dependency-free place (the CLI shows them in --help without loading ssh2). */
export const DEFAULT_CONCURRENCY = 100;
export const MAX_CONCURRENCY = 100_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
