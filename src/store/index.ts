/**
 * What the store offers its callers: {@link openStore} and the interfaces it returns.
 * Callers hold a `Store` and never learn which backend is behind it (docs/store.md).
 */
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
