import { Redis } from 'ioredis';
import { buttonReplyWebhook } from '../../sim/buttonReplyWebhook';
import type { PermissionMessage } from '../../sim/messageRules';
import { postSignedWebhook, type SentWebhook } from '../../sim/webhookSender';
import type { WhatsAppSim } from '../../sim/whatsappSim';
import type { CallSignal } from '../shared/callSignals';
import type { TeamQueues } from '../shared/teamQueues';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import type { Relay } from './relayServer';
import type { connectTestAgent } from './testAgent';
import { RELAY_TEST_SECRETS } from './testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from './testTeamRelays';

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `check` to hold, looking every 50 ms; past `ms` it fails naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(50);
  }
}

/** A clock for the relays' routing (`routingClock: clock.now`) that a test moves on instead of waiting. */
export function movableClock() {
  let shiftMs = 0;
  return {
    now: () => Date.now() + shiftMs,
    moveBy(ms: number): void {
      shiftMs += ms;
    },
    /** From now on the clock reads this instant, and runs on from it. */
    setTo(iso: string): void {
      shiftMs = Date.parse(iso) - Date.now();
    },
  };
}
export type MovableClock = ReturnType<typeof movableClock>;

export type ButtonsMessage = Extract<PermissionMessage, { kind: 'buttons' }>;
type Desk = Awaited<ReturnType<typeof connectTestAgent>>;
type Offered = Extract<CallSignal, { type: 'callback_offered' }>;

/** The reply-button messages WhatsApp carried to this customer (a callback offer is one), oldest first. */
export const buttonsTo = (sim: WhatsAppSim, customer: string): ButtonsMessage[] =>
  sim.graph.textMessages.filter((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);

/** The callback's id, as the offer's "call me back" button carries it. */
export const callbackIdOf = (offer: ButtonsMessage): string => /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;

/** Every callback offered to the desk, in order. */
export const callbackOffersTo = (desk: Desk): Offered[] =>
  desk.events.filter((e): e is Offered => e.type === 'callback_offered');

/** Where a test's customers call and tap: Meta simulated, the relays' webhook, and their Redis and clock. */
export interface CallbackFloor {
  sim: WhatsAppSim;
  /** Where Meta delivers the customer's tap. */
  webhookUrl: string;
  /** The relays' Redis, under their prefix (RELAY_PREFIX): a call waiting in a queue has its route there. */
  redis: Redis;
  prefix: string;
  clock: MovableClock;
}

export interface CallbackTeam extends CallbackFloor {
  team: TestTeamRelays & { sim: WhatsAppSim };
  relay: Relay;
  /** Closes the team (its relay, Redis, PostgreSQL, Meta); with RELAY_TEST_LOG set, prints the relay's log first. */
  close(): Promise<void>;
}

/**
 * One relay with the queues given, as the callback tests meet it (startTestTeamRelays): Meta is the WhatsApp simulator,
 * the routing clock is movable, and a Redis connection of its own reads what the relay keeps.
 */
export async function startCallbackTeam(place: { queues: TeamQueues; database: string; prefix: string }) {
  const clock = movableClock();
  const team = await startTestTeamRelays({ ...place, count: 1, whatsapp: true, routingClock: clock.now });
  const relay = team.relays[0]!;
  const redis = new Redis(team.redis.url);
  const floor: CallbackTeam = {
    team,
    relay,
    sim: team.sim,
    webhookUrl: relay.webhookUrl,
    redis,
    prefix: place.prefix,
    clock,
    async close() {
      if (process.env.RELAY_TEST_LOG) for (const line of team.logs[0]?.records ?? []) console.log(JSON.stringify(line));
      redis.disconnect();
      await team.close();
    },
  };
  return floor;
}

/** The customer taps a button of the callback offer (0: call me back; 1: no thanks): Meta's signed webhook. */
export function tapOffer(
  webhookUrl: string,
  tap: { customer: string; offer: ButtonsMessage; which: 0 | 1; messageId: string; atMs?: number },
): Promise<SentWebhook> {
  const button = tap.offer.buttons[tap.which]!;
  const webhook = buttonReplyWebhook({
    customer: tap.customer,
    phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    buttonId: button.id,
    title: button.title,
    messageId: tap.messageId,
    atMs: tap.atMs,
  });
  return postSignedWebhook(webhookUrl, webhook, RELAY_TEST_SECRETS.appSecret);
}

/**
 * The customer calls and is turned away with the callback offer: with `waitMs`, nobody takes the call and the clock
 * moves that far once it waits in the queue (past the queue's maximum wait); without, the queue turns it away at once
 * (closed by its hours). Returns the call and the offer the customer got.
 */
export async function turnedAway(floor: CallbackFloor, customer: string, waitMs?: number) {
  const call = await floor.sim.placeCall({ from: customer });
  if (waitMs !== undefined) {
    const route = relayKeys(deploymentKeyPrefix(floor.prefix)).route(call.callId);
    await until(async () => (await floor.redis.exists(route)) === 1, 'the call waits');
    floor.clock.moveBy(waitMs);
  }
  await until(() => buttonsTo(floor.sim, customer).length > 0, 'the customer gets the callback offer');
  return { call, offer: buttonsTo(floor.sim, customer)[0]! };
}

/**
 * A caller turned away with the callback offer (see `turnedAway`) taps "call me back" (or, `which` 1, "no thanks")
 * at `atMs` (default: now), and the relay takes the tap. Returns the callback's id.
 */
export async function callbackFromTurnedAwayCall(
  floor: CallbackFloor,
  customer: string,
  options: { waitMs?: number; messageId?: string; which?: 0 | 1; atMs?: number } = {},
): Promise<string> {
  const { offer } = await turnedAway(floor, customer, options.waitMs);
  const { which = 0, messageId = `wamid.tap${customer}`, atMs } = options;
  const taken = await tapOffer(floor.webhookUrl, { customer, offer, which, messageId, atMs });
  if (taken.status !== 200) throw new Error(`the relay answered the customer's tap with ${taken.status}`);
  return callbackIdOf(offer);
}

/** Waits until the desk is offered this callback, passing on older ones earlier tests left waiting. */
export async function offeredPassingOthersOn(desk: Desk, callbackId: string): Promise<void> {
  const passed = new Set<string>();
  await until(async () => {
    for (const other of callbackOffersTo(desk).filter(
      (o) => o.callbackId !== callbackId && !passed.has(o.callbackId),
    )) {
      passed.add(other.callbackId);
      await desk.client.request('callback_answer', { callbackId: other.callbackId, answer: 'decline' });
    }
    return callbackOffersTo(desk).some((o) => o.callbackId === callbackId);
  }, `${desk.id} is offered the callback`);
}
