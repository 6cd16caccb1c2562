import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import type { TurnSettings } from '../turnCredentials';
import { startTestJanus, type TestJanus } from './testJanus';

/** What the anchored-media tests stand on: redis-server, the Graph API simulator, a locked Janus, one relay on them. */
export interface AnchoredRelayTestbed {
  redis: TestRedis;
  graph: GraphApiSim;
  janus: TestJanus;
  relay: Relay;
  /** What the relay logged. */
  log: ReturnType<typeof createMemoryLogger>;
  stop(): Promise<void>;
}

export async function startAnchoredRelay(
  prefix: string,
  queues: TeamQueuesInput,
  options: { databaseUrl?: string; colleagueRingSeconds?: number; holdMusic?: string; turn?: TurnSettings } = {},
): Promise<AnchoredRelayTestbed> {
  const [redis, graph, janus] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: RELAY_TEST_SECRETS.accessToken, phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId }),
    startTestJanus(),
  ]);
  const log = createMemoryLogger();
  const relay = await startRelay({
    ...RELAY_TEST_SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: log,
    prefix,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    queues: TeamQueues.parse(queues),
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
    ...(options.colleagueRingSeconds !== undefined && { colleagueRingSeconds: options.colleagueRingSeconds }),
    ...(options.holdMusic !== undefined && { janusHoldMusic: options.holdMusic }),
    ...(options.turn && { turn: options.turn }),
  });
  return {
    redis,
    graph,
    janus,
    relay,
    log,
    async stop() {
      await relay.close();
      await janus.stop();
      await graph.close();
      await redis.stop();
    },
  };
}
