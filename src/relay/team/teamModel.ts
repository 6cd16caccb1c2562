import type {
  Activity,
  AgentRecord,
  AgentStateName,
  CallRecord,
  Party,
  ReservationPurpose,
} from '../../shared/teamState';

/**
 * The team's one model of who is doing what: agents with their state, calls with their reservations and parties.
 * Pure: the relay applies the same commands to the records it reads from Redis (teamStore.ts) and writes back what
 * changed, atomically; the tests apply them to memory and check the invariants after every step.
 */
export interface TeamSlice {
  agents: Map<string, AgentRecord>;
  calls: Map<string, CallRecord>;
}

export type TeamCommand =
  | { kind: 'sign_in'; agentId: string }
  | { kind: 'sign_out'; agentId: string }
  | { kind: 'set_activity'; agentId: string; activity: Activity }
  | { kind: 'offer'; callId: string; queue?: string; waitingAllowed: boolean }
  | { kind: 'place'; callId: string; agentId: string }
  | { kind: 'reserve'; callId: string; agentId: string; purpose: ReservationPurpose; by?: string }
  | { kind: 'accept'; callId: string; agentId: string }
  | { kind: 'answer_failed'; callId: string; agentId: string }
  | { kind: 'reject'; callId: string; agentId: string }
  | { kind: 'ring_timeout'; callId: string; agentId: string }
  | { kind: 'rescind'; callId: string; agentId: string }
  | { kind: 'bring_in'; callId: string; agentId: string }
  | { kind: 'leave'; callId: string; partyId: string }
  | { kind: 'end'; callId: string }
  | { kind: 'hold'; callId: string; held: boolean }
  | { kind: 'listen'; callId: string; supervisorId: string }
  | { kind: 'barge'; callId: string; supervisorId: string; heard: boolean }
  /** A listening supervisor speaks to the agent alone (the customer does not hear); `barge` false ends it. */
  | { kind: 'whisper'; callId: string; supervisorId: string }
  | { kind: 'save_wrap_up'; agentId: string; callId: string }
  /** The agent who holds the call alone hands it to a bot: the bot holds it, the agent leaves owing a wrap-up. */
  | { kind: 'hand_to_bot'; callId: string; agentId: string; botId: string }
  /** The bot holding the call escalates it: it waits in a queue again, ringing as a new customer's call does. */
  | { kind: 'requeue'; callId: string; queue: string; waitingAllowed: boolean }
  /**
   * A queue's callback is offered to an agent: its record (`callId`) rings for them alone, and holds them as a ring
   * does until it is declined, runs out or is rescinded (they placed its call, or it went elsewhere).
   */
  | { kind: 'offer_callback'; callId: string; agentId: string };

export type TeamOutcome = { ok: true; changedAgents: string[] } | { ok: false; refusal: string };

const refuse = (refusal: string): TeamOutcome => ({ ok: false, refusal });

export function newAgent(id: string, nowMs: number): AgentRecord {
  return {
    id,
    activity: { kind: 'available' },
    connected: false,
    reservations: [],
    calls: [],
    wrapUps: [],
    state: 'offline',
    sinceMs: nowMs,
    idleSinceMs: nowMs,
  };
}

/** The state an agent's facts add up to: on a call first, then ringing, wrap-up, their own choice. */
export function deriveState(agent: AgentRecord): { state: AgentStateName; reason?: string } {
  if (agent.calls.length > 0) return { state: 'on_call' };
  if (!agent.connected) return { state: 'offline' };
  if (agent.reservations.length > 0) return { state: 'reserved' };
  if (agent.wrapUps.length > 0) return { state: 'after_call_work' };
  if (agent.activity.kind === 'not_ready') return { state: 'not_ready', reason: agent.activity.reason };
  return { state: 'available' };
}

/**
 * Whether a call may ring at this agent now: signed in, ready, ringing nowhere else, no wrap-up owed, and free (or,
 * for a customer's call in a queue that allows it, on exactly one call, as a waiting call).
 */
export function canBeOffered(agent: AgentRecord, purpose: ReservationPurpose, waitingAllowed: boolean): boolean {
  if (!agent.connected || agent.activity.kind !== 'available') return false;
  if (agent.reservations.length > 0 || agent.wrapUps.length > 0) return false;
  if (agent.calls.length === 0) return true;
  return purpose === 'answer' && waitingAllowed && agent.calls.length === 1;
}

/** The calls a command may change: the one it names, and those ringing for an agent who leaves them for another. */
export function involvedCalls(command: TeamCommand, agent: AgentRecord | undefined): string[] {
  const ringing = agent?.reservations ?? [];
  if (command.kind === 'place') return [command.callId, ...ringing];
  if ('callId' in command) return [command.callId];
  return command.kind === 'sign_out' || command.kind === 'set_activity' ? [...ringing] : [];
}

/** The agents a command may change: those it names and everyone ringing for or on its calls. */
export function involvedAgents(command: TeamCommand, calls: CallRecord[]): string[] {
  const ids = new Set<string>();
  if ('agentId' in command) ids.add(command.agentId);
  // Settling a ring that is not pending is refused on the call alone: the losers of a race read only themselves.
  const settles = ['accept', 'reject', 'ring_timeout', 'rescind'].includes(command.kind);
  if (settles && 'agentId' in command && 'callId' in command) {
    const { agentId, callId } = command;
    if (!calls.some((c) => c.id === callId && pendingFor(c, agentId))) return [...ids];
  }
  if (command.kind === 'leave') ids.add(command.partyId);
  for (const call of calls) {
    for (const r of call.reservations) if (r.status === 'pending') ids.add(r.agentId);
    for (const p of call.parties) if (p.kind === 'agent') ids.add(p.id);
  }
  return [...ids];
}

/** Commands that refuse before changing any call (their checks all come first), or never touch a call. */
const REFUSED_BEFORE_ANY_CHANGE = new Set<TeamCommand['kind']>(['reserve', 'sign_in', 'save_wrap_up']);

/** Applies one command to the slice in place; on refusal the slice is left as it was. */
export function applyTeamCommand(slice: TeamSlice, command: TeamCommand, nowMs: number): TeamOutcome {
  // What each agent the command touches was before it (undefined: created by it), to undo a refusal and to tell
  // which records changed; only touched agents are copied, so ringing a whole team stays linear.
  const before = new Map<string, string | undefined>();
  const agent = (id: string): AgentRecord => {
    let found = slice.agents.get(id);
    if (!before.has(id)) before.set(id, found && JSON.stringify(found));
    if (!found) slice.agents.set(id, (found = newAgent(id, nowMs)));
    return found;
  };
  // Copies of the calls this command may change, to undo a refusal; ringing a whole team adds one reservation per
  // command to one call, so copying it for every command would cost the square of the team.
  const callIdsBefore = new Set(slice.calls.keys());
  const callsBefore = REFUSED_BEFORE_ANY_CHANGE.has(command.kind)
    ? []
    : involvedCalls(command, 'agentId' in command ? slice.agents.get(command.agentId) : undefined)
        .filter((id) => slice.calls.has(id))
        .map((id) => [id, JSON.stringify(slice.calls.get(id))] as const);
  const outcome = run(slice, command, nowMs, agent);
  if (!outcome.ok) {
    for (const [id, was] of before)
      if (was === undefined) slice.agents.delete(id);
      else slice.agents.set(id, JSON.parse(was) as AgentRecord);
    for (const id of [...slice.calls.keys()]) if (!callIdsBefore.has(id)) slice.calls.delete(id);
    for (const [id, was] of callsBefore) slice.calls.set(id, JSON.parse(was) as CallRecord);
    return outcome;
  }
  const changed: string[] = [];
  for (const [id, was] of before) {
    const record = slice.agents.get(id)!;
    restate(record, nowMs);
    if (JSON.stringify(record) !== was) changed.push(id);
  }
  return { ok: true, changedAgents: changed };
}

function restate(agent: AgentRecord, nowMs: number): void {
  const next = deriveState(agent);
  if (next.state === agent.state && next.reason === agent.reason) return;
  if (next.state === 'available') agent.idleSinceMs = nowMs;
  agent.state = next.state;
  if (next.reason === undefined) delete agent.reason;
  else agent.reason = next.reason;
  agent.sinceMs = nowMs;
}

type AgentAt = (id: string) => AgentRecord;

function run(slice: TeamSlice, command: TeamCommand, nowMs: number, agent: AgentAt): TeamOutcome {
  if (command.kind === 'sign_in') {
    agent(command.agentId).connected = true;
    return done();
  }
  if (command.kind === 'sign_out') {
    const a = agent(command.agentId);
    a.connected = false;
    for (const callId of [...a.reservations]) settle(slice.calls.get(callId), a, 'rescinded', nowMs);
    return done();
  }
  if (command.kind === 'set_activity') {
    const a = agent(command.agentId);
    a.activity = command.activity;
    if (command.activity.kind === 'not_ready')
      for (const callId of [...a.reservations]) settle(slice.calls.get(callId), a, 'rescinded', nowMs);
    return done();
  }
  if (command.kind === 'save_wrap_up') {
    const a = agent(command.agentId);
    if (!a.wrapUps.includes(command.callId)) return refuse('No wrap-up is owed for this call.');
    a.wrapUps = a.wrapUps.filter((id) => id !== command.callId);
    return done();
  }
  if (command.kind === 'offer_callback') return offerCallback(slice, command, nowMs, agent);
  if (command.kind === 'offer' || command.kind === 'place') {
    if (slice.calls.has(command.callId)) return refuse('This call is known already.');
    const call: CallRecord = {
      id: command.callId,
      phase: 'ringing',
      ...(command.kind === 'offer' && command.queue !== undefined && { queue: command.queue }),
      waitingAllowed: command.kind === 'offer' && command.waitingAllowed,
      customerHeld: false,
      reservations: [],
      parties: [],
      wrapUpsGiven: [],
      offeredAtMs: nowMs,
    };
    slice.calls.set(command.callId, call);
    // A call the agent places is theirs from the start, whatever their state.
    if (command.kind === 'place') {
      const a = agent(command.agentId);
      for (const ringing of [...a.reservations]) settle(slice.calls.get(ringing), a, 'rescinded', nowMs);
      call.phase = 'answered';
      call.parties.push({ id: a.id, kind: 'agent', role: 'owner', sinceMs: nowMs });
      a.calls.push(call.id);
    }
    return done();
  }
  const call = slice.calls.get(command.callId);
  if (!call || call.phase === 'ended') return refuse('This call is over.');
  const outcome = onCall(call, command, nowMs, agent);
  if (outcome.ok) endWhisperIfNotAlone(call, nowMs);
  return outcome;
}

const done = (): TeamOutcome => ({ ok: true, changedAgents: [] });

/** A callback's record, new or over, rings for one agent free to take a call; never two at once. */
function offerCallback(
  slice: TeamSlice,
  command: Extract<TeamCommand, { kind: 'offer_callback' }>,
  nowMs: number,
  agentAt: AgentAt,
): TeamOutcome {
  const found = slice.calls.get(command.callId);
  if (found && found.phase !== 'ringing' && found.phase !== 'ended') return refuse('This call is not a callback.');
  if (found?.reservations.some((r) => r.purpose !== 'callback')) return refuse('This call is not a callback.');
  if (found?.reservations.some((r) => r.status === 'pending')) return refuse('This callback is offered already.');
  const a = agentAt(command.agentId);
  if (!canBeOffered(a, 'callback', false)) return refuse(`${a.id} cannot take a call right now.`);
  const call: CallRecord =
    found && found.phase === 'ringing'
      ? found
      : {
          id: command.callId,
          phase: 'ringing',
          waitingAllowed: false,
          customerHeld: false,
          reservations: [],
          parties: [],
          wrapUpsGiven: [],
          offeredAtMs: nowMs,
        };
  slice.calls.set(call.id, call);
  call.reservations.push({ agentId: a.id, purpose: 'callback', status: 'pending', sinceMs: nowMs });
  a.reservations.push(call.id);
  return done();
}

function onCall(call: CallRecord, command: TeamCommand, nowMs: number, agent: AgentAt): TeamOutcome {
  switch (command.kind) {
    case 'reserve':
      return reserve(call, command, nowMs, agent);
    case 'accept':
      return accept(call, command.agentId, nowMs, agent);
    case 'answer_failed':
      return answerFailed(call, command.agentId, nowMs, agent);
    case 'reject':
    case 'ring_timeout':
    case 'rescind': {
      const a = agent(command.agentId);
      if (!pendingFor(call, a.id)) return refuse('This call is not ringing for you.');
      const status =
        command.kind === 'reject' ? 'rejected' : command.kind === 'ring_timeout' ? 'timed_out' : 'rescinded';
      settle(call, a, status, nowMs);
      return done();
    }
    case 'bring_in': {
      const party = call.parties.find((p) => p.id === command.agentId && p.role === 'consulted');
      if (!party) return refuse('This colleague is not being consulted.');
      party.role = 'conference';
      agent(command.agentId);
      return done();
    }
    case 'leave':
      return leave(call, command.partyId, nowMs, agent);
    case 'end':
      endCall(call, nowMs, agent);
      return done();
    case 'hold':
      if (call.phase !== 'answered') return refuse('This call is not answered yet.');
      if (command.held && !call.customerHeld) call.customerHeldSinceMs = nowMs;
      if (!command.held) delete call.customerHeldSinceMs;
      call.customerHeld = command.held;
      return done();
    case 'listen':
    case 'barge':
    case 'whisper':
      return supervise(call, command, nowMs);
    case 'hand_to_bot':
      return handToBot(call, command, nowMs, agent);
    case 'requeue':
      return requeue(call, command);
    default:
      return refuse('Not a call command.');
  }
}

/** The reservation still ringing for this agent on this call, if any. */
export function pendingFor(call: CallRecord, agentId: string) {
  return call.reservations.find((r) => r.agentId === agentId && r.status === 'pending');
}

/** A reservation ends: it leaves the agent's list of calls ringing for them. */
function settle(
  call: CallRecord | undefined,
  agent: AgentRecord,
  status: 'accepted' | 'rejected' | 'timed_out' | 'rescinded',
  nowMs: number,
): void {
  const reservation = call && pendingFor(call, agent.id);
  if (reservation) Object.assign(reservation, { status, sinceMs: nowMs });
  if (call) agent.reservations = agent.reservations.filter((id) => id !== call.id);
}

function reserve(
  call: CallRecord,
  command: Extract<TeamCommand, { kind: 'reserve' }>,
  nowMs: number,
  agentAt: AgentAt,
): TeamOutcome {
  const isCallback = command.purpose === 'callback' || call.reservations.some((r) => r.purpose === 'callback');
  if (isCallback) return refuse('A callback rings with offer_callback only.');
  const a = agentAt(command.agentId);
  const forCustomer = command.purpose === 'answer';
  if (forCustomer !== (call.phase === 'ringing')) return refuse('This call cannot ring for that now.');
  if (call.parties.some((p) => p.id === a.id)) return refuse('This agent is on the call already.');
  if (!canBeOffered(a, command.purpose, call.waitingAllowed)) return refuse(`${a.id} cannot take a call right now.`);
  if (!forCustomer && ownerOf(call)?.kind !== 'agent') return refuse('No agent holds this call.');
  call.reservations.push({
    agentId: a.id,
    purpose: command.purpose,
    status: 'pending',
    ...(command.by !== undefined && { by: command.by }),
    sinceMs: nowMs,
  });
  a.reservations.push(call.id);
  return done();
}

export const ownerOf = (call: CallRecord): Party | undefined => call.parties.find((p) => p.role === 'owner');

function accept(call: CallRecord, agentId: string, nowMs: number, agentAt: AgentAt): TeamOutcome {
  const reservation = pendingFor(call, agentId);
  if (!reservation) return refuse('This call is not ringing for you.');
  // Taking a callback keeps the agent held while they place its call: the call they place settles it.
  if (reservation.purpose === 'callback') return refuse('A callback is placed, not answered.');
  const a = agentAt(agentId);
  settle(call, a, 'accepted', nowMs);
  a.calls.push(call.id);
  const join = (role: Party['role']) => call.parties.push({ id: agentId, kind: 'agent', role, sinceMs: nowMs });
  if (reservation.purpose === 'answer') {
    call.phase = 'answered';
    join('owner');
    for (const other of call.reservations.filter((r) => r.status === 'pending' && r.purpose === 'answer'))
      settle(call, agentAt(other.agentId), 'rescinded', nowMs);
    return done();
  }
  if (reservation.purpose === 'transfer') {
    // The colleague takes the call over; the agent who transferred it leaves, owing its wrap-up.
    const owner = ownerOf(call);
    join('owner');
    if (owner) {
      owner.role = 'conference';
      leave(call, owner.id, nowMs, agentAt);
    }
    return done();
  }
  join(reservation.purpose === 'consult' ? 'consulted' : 'conference');
  return done();
}

/** WhatsApp refused the answer: the call rings again as before, and the agent owes nothing for it. */
function answerFailed(call: CallRecord, agentId: string, nowMs: number, agentAt: AgentAt): TeamOutcome {
  const owner = ownerOf(call);
  if (call.parties.length !== 1 || owner?.id !== agentId) return refuse('This call is not yours alone.');
  const a = agentAt(agentId);
  a.calls = a.calls.filter((id) => id !== call.id);
  call.parties = [];
  call.phase = 'ringing';
  const mine = call.reservations.find((r) => r.agentId === agentId && r.status === 'accepted');
  if (mine) mine.status = 'rejected';
  for (const r of call.reservations.filter((x) => x.status === 'pending' && x.purpose !== 'answer'))
    settle(call, agentAt(r.agentId), 'rescinded', nowMs);
  return done();
}

/** Someone leaves the call; the last agent leaving ends it. An agent who talked to the customer owes a wrap-up. */
function leave(call: CallRecord, partyId: string, nowMs: number, agentAt: AgentAt): TeamOutcome {
  const party = call.parties.find((p) => p.id === partyId);
  if (!party) return refuse('You are not on this call.');
  if (party.kind === 'bot') return refuse('A bot leaves a call by ending or escalating it.');
  call.parties = call.parties.filter((p) => p !== party);
  if (party.kind === 'supervisor') return done();
  const a = agentAt(partyId);
  a.calls = a.calls.filter((id) => id !== call.id);
  if (party.role !== 'consulted') oweWrapUp(call, a);
  const agents = call.parties.filter((p) => p.kind === 'agent');
  if (agents.length === 0) {
    endCall(call, nowMs, agentAt);
    return done();
  }
  if (party.role === 'owner') {
    const next = agents.find((p) => p.role === 'conference') ?? agents[0]!;
    next.role = 'owner';
  }
  return done();
}

function handToBot(
  call: CallRecord,
  command: Extract<TeamCommand, { kind: 'hand_to_bot' }>,
  nowMs: number,
  agentAt: AgentAt,
): TeamOutcome {
  if (call.phase !== 'answered') return refuse('This call is not answered yet.');
  const owner = ownerOf(call);
  if (owner?.id !== command.agentId || owner.kind !== 'agent') return refuse('This call is not yours.');
  if (call.parties.some((p) => p.kind === 'agent' && p !== owner)) return refuse('Colleagues are on this call.');
  if (call.reservations.some((r) => r.status === 'pending')) return refuse('A colleague is ringing for this call.');
  call.parties = call.parties.filter((p) => p !== owner);
  call.parties.push({ id: command.botId, kind: 'bot', role: 'owner', sinceMs: nowMs });
  const a = agentAt(owner.id);
  a.calls = a.calls.filter((id) => id !== call.id);
  oweWrapUp(call, a);
  return done();
}

function requeue(call: CallRecord, command: Extract<TeamCommand, { kind: 'requeue' }>): TeamOutcome {
  if (call.phase !== 'answered' || ownerOf(call)?.kind !== 'bot') return refuse('No bot holds this call.');
  // Supervisors listening to the bot leave with it: the call rings as a new one, with nobody on it.
  call.parties = [];
  call.phase = 'ringing';
  call.queue = command.queue;
  call.waitingAllowed = command.waitingAllowed;
  call.customerHeld = false;
  delete call.customerHeldSinceMs;
  return done();
}

function oweWrapUp(call: CallRecord, agent: AgentRecord): void {
  if (call.wrapUpsGiven.includes(agent.id)) return;
  call.wrapUpsGiven.push(agent.id);
  agent.wrapUps.push(call.id);
}

function endCall(call: CallRecord, nowMs: number, agentAt: AgentAt): void {
  for (const r of call.reservations.filter((x) => x.status === 'pending'))
    settle(call, agentAt(r.agentId), 'rescinded', nowMs);
  for (const party of [...call.parties]) {
    call.parties = call.parties.filter((p) => p !== party);
    if (party.kind !== 'agent') continue;
    const a = agentAt(party.id);
    a.calls = a.calls.filter((id) => id !== call.id);
    if (party.role !== 'consulted') oweWrapUp(call, a);
  }
  call.phase = 'ended';
  call.customerHeld = false;
  delete call.customerHeldSinceMs;
}

/**
 * Why a supervisor cannot whisper on this call now; undefined when they can. A whisper coaches the one agent who holds
 * the call, with the customer there to hear that agent: not a conference, a consult, a held customer or a bot's call.
 */
export function whisperRefusal(call: CallRecord): 'not_in_progress' | 'not_alone' | 'held' | undefined {
  if (call.phase !== 'answered') return 'not_in_progress';
  if (ownerOf(call)?.kind !== 'agent' || call.parties.some((p) => p.kind === 'agent' && p.role !== 'owner'))
    return 'not_alone';
  if (call.customerHeld) return 'held';
  return undefined;
}

/** A call that stops being whisperable (a hold, a colleague, the agent leaving) ends the whisper: back to listening. */
function endWhisperIfNotAlone(call: CallRecord, nowMs: number): void {
  if (!whisperRefusal(call)) return;
  for (const p of call.parties) if (p.role === 'whispering') Object.assign(p, { role: 'listening', sinceMs: nowMs });
}

function supervise(
  call: CallRecord,
  command: Extract<TeamCommand, { kind: 'listen' | 'barge' | 'whisper' }>,
  nowMs: number,
): TeamOutcome {
  if (call.phase !== 'answered') return refuse('Only a call in progress can be listened to.');
  const existing = call.parties.find((p) => p.id === command.supervisorId);
  if (existing && existing.kind !== 'supervisor') return refuse('This agent is on the call.');
  if (command.kind === 'listen') {
    if (!existing)
      call.parties.push({ id: command.supervisorId, kind: 'supervisor', role: 'listening', sinceMs: nowMs });
    return done();
  }
  if (!existing) return refuse('Listen to the call before barging in.');
  if (command.kind === 'whisper') {
    const why = whisperRefusal(call);
    if (why) return refuse(`No whisper on this call now (${why}).`);
    if (call.parties.some((p) => p.role === 'whispering' && p !== existing))
      return refuse('Another supervisor whispers on this call.');
  }
  const role = command.kind === 'whisper' ? 'whispering' : command.heard ? 'barged' : 'listening';
  if (existing.role !== role) Object.assign(existing, { role, sinceMs: nowMs });
  return done();
}
