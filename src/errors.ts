/**
 * One error base for the whole project. Errors that cross process boundaries
 * (Redis, child processes, HTTP) are recognised by `name`, never by `instanceof`.
 */
export class ThumpError extends Error {
  /** Process exit code a CLI should use when this error ends it. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** Bad flags, config keys or files given by the user: exit code 2. */
export class UsageError extends ThumpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** A configuration file or value is invalid; the message names the key path. */
export class ConfigError extends UsageError {}

/** A resource the process needs (port, database file, Redis) is unavailable: exit code 1. */
export class ResourceError extends ThumpError {}
