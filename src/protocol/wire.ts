/**
 * Wire protocol v1 layout (all integers big-endian; see docs/protocol.md for the table).
 * Shared by the encoder and the decoder so both agree on every offset.
 */

/** `thmp` in ASCII. Lower-case on purpose: the legacy payload `Thump!` never matches it. */
export const MAGIC = 0x74686d70;
export const VERSION = 1;

/** Hard cap on a datagram: well below any path MTU, so beats are never IP-fragmented. */
export const MAX_DATAGRAM = 512;
/** Bytes of HMAC-SHA256 kept on the wire (128 bits, as in RFC 4868's HMAC-SHA-256-128). */
export const MAC_LEN = 16;

export const FLAG_GOODBYE = 0x01;
/** Flag bits v1 defines; any other bit set makes the datagram malformed. */
export const KNOWN_FLAGS = FLAG_GOODBYE;

export const OFF_MAGIC = 0;
export const OFF_VERSION = 4;
export const OFF_FLAGS = 5;
export const OFF_KEY_ID = 6; // u16
export const OFF_BOOT_ID = 8; // 8 bytes
export const OFF_SEQ = 16; // u32
export const OFF_SENT_AT = 20; // u48 ms since epoch
export const OFF_INTERVAL = 26; // u32 ms
export const OFF_UPTIME = 30; // u32 s
export const OFF_LOAD = 34; // 3 x u32, hundredths
export const OFF_MEM_TOTAL = 46; // u48 KiB
export const OFF_MEM_AVAIL = 52; // u48 KiB
export const OFF_DISK_TOTAL = 58; // u48 KiB
export const OFF_DISK_USED = 64; // u48 KiB
export const OFF_N_CHECKS = 70; // u8
export const OFF_N_LABELS = 71; // u8
export const OFF_HOST_ID = 72; // u8 length + bytes, then checks, then labels
/** Fixed header size; the variable part starts here. */
export const HEADER_LEN = 72;

/** Smallest valid datagram: header, a 1-byte host id, the MAC. */
export const MIN_DATAGRAM = HEADER_LEN + 2 + MAC_LEN;

export const MAX_HOST_ID = 64;
export const MAX_CHECK_ID = 32;
export const MAX_LABEL_KEY = 32;
export const MAX_TEXT = 255;
export const MAX_U32 = 0xffffffff;
export const MAX_U48 = 0xffffffffffff;
