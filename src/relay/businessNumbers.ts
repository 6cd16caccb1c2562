import type { GraphClient } from '../whatsapp/graphClient';
import type { CallStore } from './callStore';

/** One WhatsApp business number the relay answers for, with the Graph client holding its token. */
export interface BusinessNumber {
  phoneNumberId: string;
  /** What agents see as the number the customer called (for example "Sales line"). */
  name?: string;
  graph: GraphClient;
}

/**
 * The relay's numbers: the first is the one agents' own calls and messages go out from; a customer's call is
 * answered, declined and ended with the token of the number they called.
 */
export function createBusinessNumbers(numbers: BusinessNumber[], store: CallStore) {
  const byId = new Map(numbers.map((n) => [n.phoneNumberId, n]));
  const primary = numbers[0]!;
  /** Calls this instance rang, by the number called: an agent's answer comes back to the instance that rang them. */
  const known = new Map<string, string>();
  return {
    primary,
    has: (phoneNumberId: string) => byId.has(phoneNumberId),
    get: (phoneNumberId: string | undefined) => (phoneNumberId ? byId.get(phoneNumberId) : undefined),
    /** Several numbers: each offer names the one called. */
    several: numbers.length > 1,
    noteCall(callId: string, phoneNumberId: string | undefined): void {
      if (!phoneNumberId || numbers.length === 1) return;
      if (known.size > 10_000) known.delete(known.keys().next().value!);
      known.set(callId, phoneNumberId);
    },
    /** The Graph client for a call: its number's when it is known, otherwise the first number's. */
    async graphFor(callId: string): Promise<GraphClient> {
      if (numbers.length === 1) return primary.graph;
      const id = known.get(callId) ?? (await store.offer(callId))?.phoneNumberId;
      return byId.get(id ?? '')?.graph ?? primary.graph;
    },
  };
}
export type BusinessNumbers = ReturnType<typeof createBusinessNumbers>;
