import type { Redis } from 'ioredis';
import { RelayBusMessage } from '../shared/relayProtocol';
import type { Logger } from '../whatsapp/logger';

/** The pub/sub channel every relay instance listens on, so an agent hears of a call whichever instance took it. */
export function createBus(redis: Redis, subscriber: Redis, channel: string, log: Logger) {
  return {
    /** Publishes to every instance; resolves with how many instances heard it (0: none is listening now). */
    async publish(message: RelayBusMessage): Promise<number> {
      return redis.publish(channel, JSON.stringify(message));
    },
    async subscribe(deliver: (message: RelayBusMessage) => void): Promise<void> {
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel) return;
        let parsed: ReturnType<typeof RelayBusMessage.safeParse>;
        try {
          parsed = RelayBusMessage.safeParse(JSON.parse(text));
        } catch {
          parsed = RelayBusMessage.safeParse(undefined);
        }
        if (parsed.success) deliver(parsed.data);
        else log.warn('bus message ignored: not in the relay protocol');
      });
      await subscriber.subscribe(channel);
    },
  };
}
export type Bus = ReturnType<typeof createBus>;
