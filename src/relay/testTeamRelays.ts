import pg from 'pg';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { startWhatsAppSim, type WhatsAppSim } from '../../sim/whatsappSim';
import { TeamQueues } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { issueSupervisorToken } from './agentTokens';
import { startRelay, type Relay, type RelayOptions } from './relayServer';
import { startTestPostgres, type TestPostgres } from './testPostgres';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';

type TeamSet = keyof typeof RELAY_TEST_SECRETS | 'redisUrl' | 'graphBaseUrl' | 'databaseUrl' | 'logger' | 'queues';

/** A relay's log, kept in memory. */
export type TestRelayLog = ReturnType<typeof createMemoryLogger>;

/** Where the team's relays keep their records and Redis keys. */
export interface TeamPlace {
  /** The team's PostgreSQL database, created empty on the test cluster. */
  database: string;
  /** The relays' Redis key prefix. */
  prefix: string;
}

export interface TestTeamOptions extends TeamPlace, Omit<RelayOptions, TeamSet | 'prefix'> {
  /** How many relay instances start (0: none until `startRelays`). */
  count: number;
  /** The queues file; each instance gets its own parsed copy, as separate processes have (none: the admin's). */
  queues?: TeamQueues;
  /** Meta is the WhatsApp simulator (customers who call, tap and answer) instead of the Graph API simulator alone. */
  whatsapp?: boolean;
}

/** The options one more instance of the team starts with (in process or as its own process). */
export type TeamInstanceOptions = Pick<RelayOptions, Exclude<TeamSet, 'logger'> | 'prefix'> & {
  queues?: TeamQueues;
  logger: TestRelayLog;
};

export interface TestTeamRelays {
  redis: TestRedis;
  postgres: TestPostgres;
  graph: GraphApiSim;
  /** The running instances, in the order they started. */
  relays: Relay[];
  /** Each instance's log, kept in memory (the same order as `relays`). */
  logs: TestRelayLog[];
  /** The relays' database. */
  databaseUrl(): string;
  /** One query on the relays' database, on a connection of its own. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** A relay's agent port over HTTP, where the board and its API are served (no trailing slash). */
  httpOf(relay: Relay): string;
  /** A board token for the admin `ada`. */
  adminToken(): Promise<string>;
  /** What one more instance of this team starts with; a new memory logger comes with each call. */
  instanceOptions(): TeamInstanceOptions;
  /** Closes the running relays and starts `count` new ones on a new, empty database and prefix. */
  startRelays(options: TeamPlace & { count: number }): Promise<Relay[]>;
  /** Closes the running relays; Redis, PostgreSQL and the simulator stay. */
  stopRelays(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A team as the relay tests meet it: a throwaway Redis and PostgreSQL on loopback, Meta simulated, and `count` relay
 * instances sharing them with the queues given.
 */
export async function startTestTeamRelays(
  options: TestTeamOptions & { whatsapp: true },
): Promise<TestTeamRelays & { sim: WhatsAppSim }>;
export async function startTestTeamRelays(options: TestTeamOptions): Promise<TestTeamRelays>;
export async function startTestTeamRelays(
  options: TestTeamOptions,
): Promise<TestTeamRelays & { sim: WhatsAppSim | undefined }> {
  const { count, queues, database, prefix, whatsapp, ...relayOptions } = options;
  const secrets = RELAY_TEST_SECRETS;
  const [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    whatsapp
      ? startWhatsAppSim({
          accessToken: secrets.accessToken,
          phoneNumberId: secrets.phoneNumberId,
          appSecret: secrets.appSecret,
        })
      : undefined,
  ]);
  const graph =
    sim?.graph ?? (await startGraphApiSim({ accessToken: secrets.accessToken, phoneNumberId: secrets.phoneNumberId }));
  let place: TeamPlace = { database, prefix };
  const databaseUrl = () => postgres.url.replace(/\/postgres$/, `/${place.database}`);
  const instanceOptions = (): TeamInstanceOptions => ({
    ...secrets,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix: place.prefix,
    databaseUrl: databaseUrl(),
    ...(queues && { queues: TeamQueues.parse(queues) }),
    logger: createMemoryLogger(),
  });

  const team = {
    redis,
    postgres,
    graph,
    sim,
    relays: [] as Relay[],
    logs: [] as TestRelayLog[],
    databaseUrl,
    instanceOptions,
    async sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) {
      const client = new pg.Client(databaseUrl());
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    httpOf: (relay: Relay) => relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, ''),
    adminToken: () => issueSupervisorToken('ada', secrets.agentSecret, { role: 'admin' }),
    async startRelays(next: TeamPlace & { count: number }): Promise<Relay[]> {
      await team.stopRelays();
      place = { database: next.database, prefix: next.prefix };
      const admin = new pg.Client(postgres.url);
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${place.database}`);
      } finally {
        await admin.end();
      }
      // One after the other, as the tests this replaces did: the first instance migrates the database.
      for (let i = 0; i < next.count; i += 1) {
        const instance = instanceOptions();
        team.relays.push(await startRelay({ ...instance, ...relayOptions }));
        team.logs.push(instance.logger);
      }
      if (sim && team.relays[0]) sim.setWebhookUrl(team.relays[0].webhookUrl);
      return team.relays;
    },
    async stopRelays(): Promise<void> {
      const running = team.relays;
      team.relays = [];
      team.logs = [];
      for (const relay of running) await relay.close();
    },
    async close(): Promise<void> {
      await team.stopRelays();
      await (sim ?? graph).close();
      await redis.stop();
      await postgres.stop();
    },
  };
  try {
    await team.startRelays({ count, database, prefix });
  } catch (error) {
    await team.close();
    throw error;
  }
  return team;
}
