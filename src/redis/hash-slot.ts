/**
 * Redis Cluster key slots, computed here so shard configurations can be checked (and shard tags
 * chosen) before anything is sent: CRC16/XMODEM of the key's hash tag (or of the whole key when
 * it has none), modulo 16384, as the Cluster specification defines it.
 */

/** Slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

const table = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  table[i] = crc;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/**
 * The hash tag of a key or key prefix: the text between the first "{" and the first "}" after
 * it, when that is not empty (Redis' rule); undefined otherwise.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf("{");
  if (open < 0) return undefined;
  const close = key.indexOf("}", open + 1);
  if (close <= open + 1) return undefined;
  return key.slice(open + 1, close);
}

/** The Cluster slot a key lives in. */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key) ?? key, "utf8")) % CLUSTER_SLOTS;
}
