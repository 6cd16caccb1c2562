import { afterAll, beforeAll } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';

/**
 * One relay on its own Redis and Graph simulator for a test file's board tests, started before them and stopped after
 * (a Redis a test froze is resumed first). Read `relay` and `redis` inside the tests, once started.
 */
export function useTestBoardRelay(prefix: string) {
  let redis: TestRedis | undefined;
  let graph: GraphApiSim | undefined;
  let relay: Relay | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
    graph = await startGraphApiSim({
      accessToken: RELAY_TEST_SECRETS.accessToken,
      phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    });
    relay = await startRelay({
      ...RELAY_TEST_SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix,
    });
  });
  afterAll(async () => {
    redis?.resume();
    await relay?.close();
    await graph?.close();
    await redis?.stop();
  });
  return {
    get relay(): Relay {
      return relay!;
    },
    get redis(): TestRedis {
      return redis!;
    },
  };
}
