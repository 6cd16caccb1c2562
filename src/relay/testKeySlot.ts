import type { Redis } from 'ioredis';

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The Redis Cluster slot of a key (0-16383): only the part between the first `{` and the next `}` is hashed when it is
 * not empty, so keys sharing that hash tag share a slot.
 */
export function clusterSlotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(Buffer.from(hashed)) % 16384;
}

/** Every key in this Redis, sorted (read with SCAN). */
export async function everyRedisKey(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/** The kinds of key, as a person reads them: `{slots}:call:wacid.1` is `{slots}:call`. */
export const keyKindsOf = (keys: string[]) => [...new Set(keys.map((k) => k.split(':').slice(0, 2).join(':')))].sort();
