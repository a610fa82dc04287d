/**
 * What the store offers its callers: {@link openStore} and the interfaces it returns.
 * Callers hold a `Store` and never learn which backend is behind it (docs/store.md).
 */
export {
  COPIED_DOMAINS,
  type CopiedDomain,
  CopyIncompleteError,
  type CopyResult,
  copyStore,
  countCopied,
  type TableCopied,
  type TableCount,
  totalRows,
} from './copy.js';
export { openStore } from './open.js';
export {
  type DbTarget,
  parseDbTarget,
  redactDbTarget,
  SSL_MODES,
  type SslMode,
  type StoreOptions,
} from './target.js';
export * from './types.js';
