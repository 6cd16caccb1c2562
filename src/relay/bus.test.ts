import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayBusMessage } from '../shared/relayProtocol';
import { createMemoryLogger } from '../whatsapp/logger';
import { createBus } from './bus';
import { startTestRedis, type TestRedis } from './testRedis';

let server: TestRedis;
beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  await server.stop();
});

const state = (n: number): RelayBusMessage => ({
  kind: 'direct',
  callId: `state:ana`,
  targets: ['ana'],
  event: { type: 'agent_state', state: 'available', sinceMs: n, wrapUps: [] },
});

describe('the relay bus', () => {
  it('delivers, in order, what was published while an instance’s connection was down', async () => {
    const [writer, reader] = [new Redis(server.url), new Redis(server.url)];
    const bus = createBus(writer, reader, 'bus-test', createMemoryLogger());
    const heard: number[] = [];
    await bus.subscribe((m) => m.event.type === 'agent_state' && heard.push(m.event.sinceMs));
    await bus.publish(state(1));
    await expect.poll(() => heard).toEqual([1]);
    // The reading connection drops (a failover, a network blip) and comes back on its own.
    reader.disconnect(true);
    for (const n of [2, 3, 4]) await bus.publish(state(n));
    await expect.poll(() => heard, { timeout: 5000 }).toEqual([1, 2, 3, 4]);
    bus.stop();
    writer.disconnect();
    reader.disconnect();
  });

  it('starts a new instance at the newest message, not the history', async () => {
    const [writer, reader] = [new Redis(server.url), new Redis(server.url)];
    const bus = createBus(writer, reader, 'bus-history', createMemoryLogger());
    await bus.publish(state(1));
    const heard: number[] = [];
    await bus.subscribe((m) => m.event.type === 'agent_state' && heard.push(m.event.sinceMs));
    await bus.publish(state(2));
    await expect.poll(() => heard).toEqual([2]);
    bus.stop();
    writer.disconnect();
    reader.disconnect();
  });

  it('delivers messages published together in their order, among single ones, and skips a bad one alone', async () => {
    const [writer, reader] = [new Redis(server.url), new Redis(server.url)];
    const log = createMemoryLogger();
    const bus = createBus(writer, reader, 'bus-batch', log);
    const heard: number[] = [];
    await bus.subscribe((m) => m.event.type === 'agent_state' && heard.push(m.event.sinceMs));
    await bus.publish(state(1));
    await bus.publishAll([state(2), state(3), state(4)]);
    // Another writer's entry with one message not in the protocol: the others in it still arrive.
    await writer.xadd('bus-batch', '*', 'ms', JSON.stringify([state(5), { kind: 'nonsense' }, state(6)]));
    await writer.xadd('bus-batch', '*', 'ms', '{not json');
    await bus.publish(state(7));
    await expect.poll(() => heard).toEqual([1, 2, 3, 4, 5, 6, 7]);
    bus.stop();
    writer.disconnect();
    reader.disconnect();
  });
});
