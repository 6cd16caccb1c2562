import fc from 'fast-check';
import type { CallRecord, ReservationPurpose } from '../../shared/teamState';
import { ownerOf, type TeamCommand, type TeamSlice } from './teamModel';

/** A small floor, so random steps keep meeting each other: a few agents and a supervisor. */
export const TEAM_TEST_AGENTS = ['asha', 'ben', 'chen'];
const SUPERVISOR = 'sam';
const REASONS = ['break', 'lunch', 'training'];

const INTENTS = [
  'sign_in',
  'sign_out',
  'set_activity',
  'offer',
  'place_call',
  'ring',
  'ask_colleague',
  'answer_ring',
  'answer_fails',
  'decline_ring',
  'ring_times_out',
  'ring_rescinded',
  'bring_in',
  'hang_up',
  'customer_hangs_up',
  'hold',
  'listen',
  'barge',
  'whisper',
  'stop_listening',
  'save_wrap_up',
  'hand_to_bot',
  'bot_requeues',
  'offer_callback',
] as const;
type IntentKind = (typeof INTENTS)[number];

/**
 * One step of a working floor, as what someone means to do ("answer a ringing call"), resolved against the team's
 * state when it is played, so most steps find something to act on; a raw step now and then may name anything, for
 * the refusals. Shrinking works on the intents.
 */
export interface TeamIntent {
  kind: IntentKind;
  a: number;
  b: number;
  flag: boolean;
  raw?: TeamCommand;
}

const pick = <T>(list: T[], index: number): T | undefined => (list.length ? list[index % list.length] : undefined);

const rawCommand: fc.Arbitrary<TeamCommand> = fc.oneof(
  fc.record({
    kind: fc.constant('reserve' as const),
    callId: fc.constantFrom('c1', 'c2', 'c9', 'callback:0'),
    agentId: fc.constantFrom(...TEAM_TEST_AGENTS),
    purpose: fc.constantFrom(
      'answer' as const,
      'transfer' as const,
      'consult' as const,
      'conference' as const,
      'callback' as const,
    ),
  }),
  fc.record({
    kind: fc.constant('accept' as const),
    callId: fc.constantFrom('c1', 'c2'),
    agentId: fc.constantFrom(...TEAM_TEST_AGENTS),
  }),
  fc.record({
    kind: fc.constant('leave' as const),
    callId: fc.constantFrom('c1', 'c2'),
    partyId: fc.constantFrom(...TEAM_TEST_AGENTS, SUPERVISOR),
  }),
  fc.record({
    kind: fc.constant('save_wrap_up' as const),
    agentId: fc.constantFrom(...TEAM_TEST_AGENTS),
    callId: fc.constantFrom('c1', 'c2'),
  }),
  fc.record({
    kind: fc.constant('barge' as const),
    callId: fc.constantFrom('c1', 'c2'),
    supervisorId: fc.constant(SUPERVISOR),
    heard: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('whisper' as const),
    callId: fc.constantFrom('c1', 'c2'),
    supervisorId: fc.constantFrom(SUPERVISOR, ...TEAM_TEST_AGENTS),
  }),
);

export const teamIntentArbitrary: fc.Arbitrary<TeamIntent> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constantFrom(...INTENTS), a: fc.nat(50), b: fc.nat(50), flag: fc.boolean() }),
  },
  { weight: 1, arbitrary: rawCommand.map((raw): TeamIntent => ({ kind: 'offer', a: 0, b: 0, flag: false, raw })) },
);

/** Every agent signed in first, then any steps: most of a floor's life happens with desks connected. */
export const teamIntentsArbitrary = (maxLength: number): fc.Arbitrary<TeamIntent[]> =>
  fc
    .array(teamIntentArbitrary, { maxLength, size: 'max' })
    .map((steps) => [
      ...TEAM_TEST_AGENTS.map((_, a): TeamIntent => ({ kind: 'sign_in', a, b: 0, flag: false })),
      ...steps,
    ]);

const live = (slice: TeamSlice, phase: CallRecord['phase']) =>
  [...slice.calls.values()].filter((c) => c.phase === phase);
const pendingRings = (slice: TeamSlice) =>
  [...slice.calls.values()].flatMap((c) =>
    c.reservations.filter((r) => r.status === 'pending').map((r) => ({ callId: c.id, agentId: r.agentId })),
  );

/** The command an intent means in this state of the team. */
export function resolveIntent(slice: TeamSlice, intent: TeamIntent): TeamCommand {
  if (intent.raw) return intent.raw;
  const agentId = pick(TEAM_TEST_AGENTS, intent.a)!;
  const resolved = resolveOnCalls(slice, intent);
  if (resolved) return resolved;
  switch (intent.kind) {
    case 'sign_out':
      return { kind: 'sign_out', agentId };
    case 'set_activity':
      return {
        kind: 'set_activity',
        agentId,
        activity: intent.flag ? { kind: 'available' } : { kind: 'not_ready', reason: pick(REASONS, intent.b)! },
      };
    case 'sign_in':
      return { kind: 'sign_in', agentId };
    case 'place_call':
      return { kind: 'place', callId: `c${slice.calls.size + 1}`, agentId };
    default:
      return moveOn(slice, intent);
  }
}

/** Nothing to act on as meant: the floor moves on instead (a ring is answered, a call rings, a call comes). */
function moveOn(slice: TeamSlice, intent: TeamIntent): TeamCommand {
  const ring = pick(pendingRings(slice), intent.a);
  if (ring && intent.flag) return { kind: 'accept', ...ring };
  const ringing = pick(live(slice, 'ringing'), intent.a);
  if (ringing && !intent.flag)
    return { kind: 'reserve', callId: ringing.id, agentId: pick(TEAM_TEST_AGENTS, intent.b)!, purpose: 'answer' };
  return { kind: 'offer', callId: `c${slice.calls.size + 1}`, waitingAllowed: intent.b % 2 === 0 };
}

function resolveOnCalls(slice: TeamSlice, intent: TeamIntent): TeamCommand | undefined {
  const { a, b } = intent;
  const ring = pick(pendingRings(slice), a);
  const answered = pick(live(slice, 'answered'), a);
  switch (intent.kind) {
    case 'ring': {
      const call = pick(live(slice, 'ringing'), a);
      return call && { kind: 'reserve', callId: call.id, agentId: pick(TEAM_TEST_AGENTS, b)!, purpose: 'answer' };
    }
    case 'ask_colleague': {
      const purpose = pick<ReservationPurpose>(['transfer', 'consult', 'conference'], b)!;
      const by = answered && ownerOf(answered)?.id;
      return answered && { kind: 'reserve', callId: answered.id, agentId: pick(TEAM_TEST_AGENTS, b + a)!, purpose, by };
    }
    case 'answer_ring':
      return ring && { kind: 'accept', ...ring };
    case 'answer_fails': {
      const owner = answered && ownerOf(answered);
      return owner && { kind: 'answer_failed', callId: answered!.id, agentId: owner.id };
    }
    case 'decline_ring':
      return ring && { kind: 'reject', ...ring };
    case 'ring_times_out':
      return ring && { kind: 'ring_timeout', ...ring };
    case 'ring_rescinded':
      return ring && { kind: 'rescind', ...ring };
    case 'bring_in': {
      const consulted = answered?.parties.find((p) => p.role === 'consulted');
      return consulted && { kind: 'bring_in', callId: answered!.id, agentId: consulted.id };
    }
    case 'hang_up':
    case 'stop_listening': {
      const party = pick(answered?.parties ?? [], b);
      return party && { kind: 'leave', callId: answered!.id, partyId: party.id };
    }
    case 'customer_hangs_up': {
      const call = pick([...live(slice, 'ringing'), ...live(slice, 'answered')], a);
      return call && { kind: 'end', callId: call.id };
    }
    case 'hold':
      return answered && { kind: 'hold', callId: answered.id, held: intent.flag };
    case 'listen':
      return answered && { kind: 'listen', callId: answered.id, supervisorId: SUPERVISOR };
    case 'barge':
      return answered && { kind: 'barge', callId: answered.id, supervisorId: SUPERVISOR, heard: intent.flag };
    case 'whisper':
      return answered && { kind: 'whisper', callId: answered.id, supervisorId: SUPERVISOR };
    case 'hand_to_bot': {
      const owner = answered && ownerOf(answered);
      return owner && { kind: 'hand_to_bot', callId: answered!.id, agentId: owner.id, botId: 'survey' };
    }
    case 'offer_callback':
      // Two callbacks, offered to anyone, again and again: most offers meet an agent busy, ringing or holding one.
      return { kind: 'offer_callback', callId: `callback:${a % 2}`, agentId: pick(TEAM_TEST_AGENTS, b)! };
    case 'bot_requeues':
      return answered && { kind: 'requeue', callId: answered.id, queue: 'support', waitingAllowed: intent.flag };
    case 'save_wrap_up': {
      const owing = pick(
        [...slice.agents.values()].filter((x) => x.wrapUps.length > 0),
        a,
      );
      return owing && { kind: 'save_wrap_up', agentId: owing.id, callId: pick(owing.wrapUps, b)! };
    }
    default:
      return undefined;
  }
}
