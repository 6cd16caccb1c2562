import type { TeamSlice } from './teamModel';
import { deriveState, whisperRefusal } from './teamModel';

/**
 * What must hold of the team after every step, whatever happened before; each broken rule is named. Shared by the
 * model's own tests and the tests that drive the real relay.
 */
export function teamInvariantViolations(slice: TeamSlice): string[] {
  const broken: string[] = [];
  for (const agent of slice.agents.values()) {
    const { state, reason } = deriveState(agent);
    if (agent.state !== state || agent.reason !== reason) broken.push(`${agent.id} shows ${agent.state}, is ${state}`);
    if (agent.reservations.length > 1) broken.push(`${agent.id} rings for ${agent.reservations.length} calls`);
    if (new Set(agent.wrapUps).size !== agent.wrapUps.length) broken.push(`${agent.id} owes a wrap-up twice`);
    for (const callId of agent.reservations) {
      const call = slice.calls.get(callId);
      const pending = call?.reservations.find((r) => r.agentId === agent.id && r.status === 'pending');
      if (!pending) broken.push(`${agent.id} rings for ${callId}, which does not ring for them`);
      if (!agent.connected || agent.activity.kind !== 'available') broken.push(`${agent.id} rings while not ready`);
      const capacity = pending?.purpose === 'answer' && call?.waitingAllowed ? 1 : 0;
      if (agent.calls.length > capacity) broken.push(`${agent.id} rings for ${callId} beyond their capacity`);
    }
    for (const callId of agent.calls)
      if (!slice.calls.get(callId)?.parties.some((p) => p.id === agent.id))
        broken.push(`${agent.id} is on ${callId}, which does not list them`);
  }
  for (const call of slice.calls.values()) {
    // A callback's record is offered to one agent at a time, and nobody is ever on it: its call is placed apart.
    if (call.reservations.some((r) => r.purpose === 'callback')) {
      const offers = call.reservations.filter((r) => r.status === 'pending').length;
      if (offers > 1) broken.push(`${call.id} is a callback offered to ${offers} agents`);
      if (call.parties.length > 0 || call.reservations.some((r) => r.purpose !== 'callback'))
        broken.push(`${call.id} is a callback with a call's parties or rings`);
    }
    const owners = call.parties.filter((p) => p.role === 'owner');
    if (owners.length > 1) broken.push(`${call.id} has ${owners.length} owners`);
    const agents = call.parties.filter((p) => p.kind === 'agent');
    if (call.phase === 'answered' && agents.length > 0 && owners.length !== 1) broken.push(`${call.id} has no owner`);
    // A bot holds a call alone: an agent hands it over only when nobody else is on it, and takes it back as a ring.
    const bots = call.parties.filter((p) => p.kind === 'bot');
    if (bots.length > 0 && (agents.length > 0 || bots.some((b) => b.role !== 'owner')))
      broken.push(`${call.id} has a bot beside agents`);
    // A whisper coaches the one agent holding the call, the customer there and hearing that agent only.
    const whispering = call.parties.filter((p) => p.role === 'whispering');
    if (whispering.length > 1) broken.push(`${call.id} has ${whispering.length} supervisors whispering`);
    if (whispering.some((p) => p.kind !== 'supervisor')) broken.push(`${call.id} has a whisperer who is no supervisor`);
    const whisperBlocked = whispering.length > 0 && whisperRefusal(call);
    if (whisperBlocked) broken.push(`${call.id} has a whisper while ${whisperBlocked}`);
    if (call.phase !== 'answered' && call.parties.length > 0) broken.push(`${call.id} has parties while ${call.phase}`);
    if (new Set(call.wrapUpsGiven).size !== call.wrapUpsGiven.length) broken.push(`${call.id} gave a wrap-up twice`);
    for (const party of agents)
      if (!slice.agents.get(party.id)?.calls.includes(call.id)) broken.push(`${party.id} is listed on ${call.id} only`);
    for (const r of call.reservations.filter((x) => x.status === 'pending')) {
      if (!slice.agents.get(r.agentId)?.reservations.includes(call.id))
        broken.push(`${call.id} rings for ${r.agentId}, who does not know`);
      // The customer's call rings only until answered; a colleague is asked only while someone holds it.
      const fitting = r.purpose === 'answer' || r.purpose === 'callback' ? 'ringing' : 'answered';
      if (call.phase !== fitting) broken.push(`${call.id} rings for ${r.agentId} (${r.purpose}) while ${call.phase}`);
    }
  }
  return broken;
}
