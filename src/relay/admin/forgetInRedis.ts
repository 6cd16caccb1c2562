import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RelayKeys } from '../relayKeys';

const Survey = z.object({ customer: z.string() });
/** SCAN's page size: an erasure reads the open surveys a page at a time, never the whole keyspace at once. */
const SCAN_COUNT = 500;

/**
 * What the relay keeps about a customer in Redis, for days, gone with an erasure: who asked them for call
 * permission, who dealt with their missed calls, the agent they last spoke to (repeat-caller routing), and the
 * post-call surveys still open for them. Returns how many keys went.
 */
export async function forgetCustomerInRedis(
  redis: Redis,
  prefix: string,
  keys: Pick<RelayKeys, 'permissionRequester' | 'missedHandled' | 'lastAgent'>,
  customer: string,
): Promise<number> {
  let removed = await redis.del(
    keys.permissionRequester(customer),
    keys.missedHandled(customer),
    keys.lastAgent(customer),
  );
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:survey:*`, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (found.length === 0) continue;
    const values = await redis.mget(...found);
    const theirs = found.filter((_, i) => {
      try {
        return Survey.safeParse(JSON.parse(values[i] ?? 'null')).data?.customer === customer;
      } catch {
        return false;
      }
    });
    // The answer marks go with the surveys (survey-answered:<id> beside survey:<id>).
    if (theirs.length > 0)
      removed += await redis.del(
        ...theirs,
        ...theirs.map((k) => k.replace(`${prefix}:survey:`, `${prefix}:survey-answered:`)),
      );
  } while (cursor !== '0');
  return removed;
}
