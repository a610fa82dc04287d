/**
 * Wire protocol v1: pure encode/decode of authenticated heartbeat datagrams, the keyring that
 * verifies them, secret files, and classification of legacy PyHeartBeat payloads.
 * See docs/protocol.md for the byte layout.
 */
export { DEFAULT_MAX_SKEW_MS, type DecodeOptions, decodeBeat } from './decode.js';
export { encodeBeat, truncateUtf8 } from './encode.js';
export { HmacSha256 } from './hmac.js';
export { generateSecret, Keyring, keyFromSecret, keyIdFor, MIN_SECRET_BYTES } from './keyring.js';
export { decodeLegacy, type LegacyKind } from './legacy.js';
export { loadKeyring, loadSecretFile, loadSecretKeys } from './secret-file.js';
export * from './types.js';
export { MAC_LEN, MAX_DATAGRAM, VERSION as PROTOCOL_VERSION } from './wire.js';
