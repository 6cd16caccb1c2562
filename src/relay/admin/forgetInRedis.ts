import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RelayKeys } from '../relayKeys';

/** A survey or a callback kept in Redis, by the customer it is for. */
const ForCustomer = z.object({ customer: z.string() });
/** SCAN's page size: an erasure reads open surveys and callbacks a page at a time, never the whole keyspace. */
const SCAN_COUNT = 500;

/**
 * What the relay keeps about a customer in Redis, for days, gone with an erasure: who asked them for call
 * permission, who dealt with their missed calls, the agent they last spoke to (repeat-caller routing), and the
 * post-call surveys and callbacks still open for them. Returns how many keys went.
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
  // Their callbacks, waiting or offered to them, go too (the list of places drops a callback whose key is gone).
  for (const pattern of [`${prefix}:cb:*`, `${prefix}:cb-offer:*`])
    removed += await forgetMatching(redis, pattern, (key) => key, customer);
  // The answer marks go with the surveys (survey-answered:<id> beside survey:<id>).
  removed += await forgetMatching(
    redis,
    `${prefix}:survey:*`,
    (key) => key.replace(`${prefix}:survey:`, `${prefix}:survey-answered:`),
    customer,
  );
  return removed;
}

/** Deletes the keys matching `pattern` whose JSON names `customer`, a SCAN page at a time. */
async function forgetMatching(
  redis: Redis,
  pattern: string,
  also: (key: string) => string,
  customer: string,
): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (found.length === 0) continue;
    const values = await redis.mget(...found);
    const theirs = found.filter((_, i) => {
      try {
        return ForCustomer.safeParse(JSON.parse(values[i] ?? 'null')).data?.customer === customer;
      } catch {
        return false;
      }
    });
    if (theirs.length > 0) removed += await redis.del(...new Set([...theirs, ...theirs.map(also)]));
  } while (cursor !== '0');
  return removed;
}
