import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordEvent } from '../../shared/callRecords';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { redisCommandsPerSecond, startTestRedis } from '../testRedis';
import { createTeamRecords, type TeamRecords } from './teamRecords';

const PREFIX = '{outbox}';
/** How long idle commands are counted: the once-per-5-s look is seen at least once. */
const IDLE_MS = 10_000;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let postgres: TestPostgres;
let probe: Redis;
let recordsRedis: Redis;
let records: TeamRecords;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startTestRedis(), startTestPostgres()]);
  probe = new Redis(redis.url);
  recordsRedis = new Redis(redis.url);
  records = createTeamRecords({
    databaseUrl: postgres.url,
    redis: recordsRedis,
    prefix: PREFIX,
    log: createMemoryLogger(),
  });
  await records.start();
}, 60_000);
afterAll(async () => {
  await records?.close();
  recordsRedis?.disconnect();
  probe?.disconnect();
  await redis?.stop();
  await postgres?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(50);
  }
}
async function stateOf(callbackId: string): Promise<string | undefined> {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string }>('SELECT state FROM callbacks WHERE callback_id = $1', [
      callbackId,
    ]);
    return rows[0]?.state;
  } finally {
    await client.end();
  }
}
const event = (callbackId: string): RecordEvent => ({
  kind: 'callback',
  callId: `wacid.${callbackId}`,
  callbackId,
  customer: '447700900555',
  queue: 'care',
  state: 'offered',
  attempts: 0,
  atMs: Date.now(),
});

/** Commands sent to Redis about the records waiting (the outbox and its writer's lock) per second over `ms`. */
const outboxCommandsPerSecond = (ms: number) =>
  redisCommandsPerSecond(probe, ms, (args) => args.some((arg) => arg.startsWith(`${PREFIX}:records:`)));

describe('call records wait in Redis and are written after they are added, not on a tick (real Redis, PostgreSQL)', () => {
  it('sends almost nothing idle, writes a record soon after it is added, and one another instance left', async () => {
    await until(async () => records.ready(), 'the schema is up to date', 20_000);

    // Nothing waits: one look per 5 s (the 250 ms tick sent 3 commands each time, 12 a second).
    const idle = await outboxCommandsPerSecond(IDLE_MS);
    console.log(`record outbox idle: ${idle.toFixed(2)} Redis commands/s`);
    expect(idle).toBeLessThan(1);

    records.recorder.record(event('cbadded'));
    await until(async () => (await stateOf('cbadded')) === 'offered', 'the record added here is written', 3000);

    // An event an instance added just before it died, which never wrote it: this instance's look finds it.
    await probe.rpush(`${PREFIX}:records:outbox`, JSON.stringify(event('cbleft')));
    await until(async () => (await stateOf('cbleft')) === 'offered', 'the record left behind is written', 12_000);
  }, 60_000);
});
