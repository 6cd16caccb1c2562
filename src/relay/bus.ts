import type { Redis } from 'ioredis';
import { RelayBusMessage } from '../shared/relayProtocol';
import type { Logger } from '../whatsapp/logger';

/** How many messages the bus keeps for instances that are reconnecting (about, trimmed cheaply). */
const KEPT_MESSAGES = 10_000;
const READ_BLOCK_MS = 5000;
const READ_BATCH = 500;

/**
 * The bus every relay instance reads, so an agent hears of a call whichever instance took it. It is a Redis stream,
 * not pub/sub: an instance whose connection drops (a Redis failover, a network blip) reads on from the last message
 * it had once it is back, so a ring published meanwhile still reaches its desk. `reader` must be a connection of its
 * own: it blocks waiting for messages.
 */
export function createBus(redis: Redis, reader: Redis, stream: string, log: Logger) {
  let reading = false;

  /** One stream entry: a message (`m`) or several published together (`ms`), each checked on its own. */
  function handle(fields: string[], deliver: (message: RelayBusMessage) => void): void {
    let raw: unknown[];
    try {
      raw = fields[0] === 'ms' ? (JSON.parse(fields[1] ?? '') as unknown[]) : [JSON.parse(fields[1] ?? '')];
      if (!Array.isArray(raw)) raw = [undefined];
    } catch {
      raw = [undefined];
    }
    for (const one of raw) {
      const parsed = RelayBusMessage.safeParse(one);
      if (parsed.success) deliver(parsed.data);
      else log.warn('bus message ignored: not in the relay protocol');
    }
  }

  async function readFrom(lastId: string, deliver: (message: RelayBusMessage) => void): Promise<void> {
    let failing = false;
    while (reading) {
      try {
        const batch = await reader.xread('COUNT', READ_BATCH, 'BLOCK', READ_BLOCK_MS, 'STREAMS', stream, lastId);
        if (failing) log.info('reading the relay bus again');
        failing = false;
        for (const [, entries] of batch ?? [])
          for (const [id, fields] of entries) {
            lastId = id;
            handle(fields, deliver);
          }
      } catch (error) {
        if (!reading) return;
        if (!failing) log.warn('relay bus not readable; trying again', { error: (error as Error).message });
        failing = true;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  return {
    /** Adds a message for every instance (those reconnecting read it once back); resolves once Redis has it. */
    async publish(message: RelayBusMessage): Promise<void> {
      await redis.xadd(stream, 'MAXLEN', '~', String(KEPT_MESSAGES), '*', 'm', JSON.stringify(message));
    },
    /**
     * Several messages as one entry (every agent a step changed): one write for Redis and one read for each
     * instance, delivered in order as if published one by one.
     */
    async publishAll(messages: RelayBusMessage[]): Promise<void> {
      if (messages.length === 0) return;
      await redis.xadd(stream, 'MAXLEN', '~', String(KEPT_MESSAGES), '*', 'ms', JSON.stringify(messages));
    },
    /** Reads every message published from now on, in order, until `stop`. */
    async subscribe(deliver: (message: RelayBusMessage) => void): Promise<void> {
      const [newest] = await reader.xrevrange(stream, '+', '-', 'COUNT', 1);
      reading = true;
      void readFrom(newest?.[0] ?? '0-0', deliver);
    },
    stop(): void {
      reading = false;
    },
  };
}
export type Bus = ReturnType<typeof createBus>;
