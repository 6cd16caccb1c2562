import type pg from 'pg';
import type { RecordEvent } from '../../shared/callRecords';
import { customerDigest } from '../../whatsapp/customerDigest';

/** The customer an event names, for the events that name one. */
const customerOf = (event: RecordEvent): string | undefined =>
  'customer' in event && typeof event.customer === 'string' ? event.customer : undefined;

/**
 * Drops the events of calls an admin erased. Events travel through the outbox for a while, so a call's hang-up,
 * wrap-up or rating can arrive after its erasure: the call is listed in `erased_calls` and stays gone. A call of an
 * erased customer that began before the erasure but had not reached PostgreSQL yet is found by the customer's digest
 * and the event's time, listed too, and whatever was written of it without the customer's name is removed.
 */
export async function withoutErasedCalls(client: pg.PoolClient, events: RecordEvent[]): Promise<RecordEvent[]> {
  const callIds = [...new Set(events.map((e) => e.callId))];
  const { rows } = await client.query<{ call_id: string }>('SELECT call_id FROM erased_calls WHERE call_id = ANY($1)', [
    callIds,
  ]);
  const erased = new Set(rows.map((r) => r.call_id));
  const newlyErased = await callsOfErasedCustomers(
    client,
    events.filter((e) => !erased.has(e.callId)),
  );
  if (newlyErased.length > 0) {
    await client.query(
      `WITH listed AS (INSERT INTO erased_calls (call_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING),
         offers AS (DELETE FROM call_offers WHERE call_id = ANY($1)),
         rings AS (DELETE FROM ring_outcomes WHERE call_id = ANY($1)),
         parties AS (DELETE FROM call_parties WHERE call_id = ANY($1))
       DELETE FROM calls WHERE call_id = ANY($1)`,
      [newlyErased],
    );
    for (const callId of newlyErased) erased.add(callId);
  }
  return erased.size === 0 ? events : events.filter((e) => !erased.has(e.callId));
}

/** The calls among `events` whose customer was erased after the event happened. */
async function callsOfErasedCustomers(client: pg.PoolClient, events: RecordEvent[]): Promise<string[]> {
  const named = events.flatMap((event) => {
    const customer = customerOf(event);
    return customer ? [{ event, digest: customerDigest(customer) }] : [];
  });
  if (named.length === 0) return [];
  const { rows } = await client.query<{ digest: string; at_ms: string }>(
    `SELECT digest, (extract(epoch FROM max(erased_at)) * 1000)::bigint::text AS at_ms
     FROM customer_erasures WHERE digest = ANY($1) GROUP BY digest`,
    [[...new Set(named.map((n) => n.digest))]],
  );
  const erasedAt = new Map(rows.map((r) => [r.digest, Number(r.at_ms)]));
  const found = named.filter(({ event, digest }) => event.atMs <= (erasedAt.get(digest) ?? -Infinity));
  return [...new Set(found.map(({ event }) => event.callId))];
}
