import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TeamCommand } from './teamModel';
import { applyTeamCommand, canBeOffered, type TeamSlice } from './teamModel';
import { teamInvariantViolations } from './teamInvariants';
import { resolveIntent, teamIntentsArbitrary } from './teamCommandArbitrary';

const emptyTeam = (): TeamSlice => ({ agents: new Map(), calls: new Map() });

function play(slice: TeamSlice, commands: TeamCommand[], startMs = 1000): boolean[] {
  return commands.map((command, i) => applyTeamCommand(slice, command, startMs + i).ok);
}

const signedIn = (...ids: string[]): TeamCommand[] => ids.map((agentId) => ({ kind: 'sign_in', agentId }));

describe('the team model', () => {
  it('lets a listening supervisor whisper to the one agent on the call, and ends the whisper when a colleague joins or the customer is held', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben'),
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'asha' },
    ]);
    const whisper: TeamCommand = { kind: 'whisper', callId: 'c1', supervisorId: 'sam' };
    const roleOf = (id: string) => team.calls.get('c1')!.parties.find((p) => p.id === id)?.role;
    // Only after listening, and never by the agent on the call.
    expect(applyTeamCommand(team, whisper, 2000).ok).toBe(false);
    expect(applyTeamCommand(team, { kind: 'whisper', callId: 'c1', supervisorId: 'asha' }, 2000).ok).toBe(false);
    play(team, [{ kind: 'listen', callId: 'c1', supervisorId: 'sam' }, whisper], 2000);
    expect(roleOf('sam')).toBe('whispering');
    // Whisper, barge, back to listening: one party, three roles.
    play(team, [{ kind: 'barge', callId: 'c1', supervisorId: 'sam', heard: true }], 3000);
    expect(roleOf('sam')).toBe('barged');
    play(team, [whisper], 3100);
    expect(roleOf('sam')).toBe('whispering');
    // The customer held: the whisper ends, and cannot start again until they are back.
    play(team, [{ kind: 'hold', callId: 'c1', held: true }], 4000);
    expect(roleOf('sam')).toBe('listening');
    // The hold's start is kept (the board counts from it), not moved by the same hold said again.
    expect(team.calls.get('c1')!.customerHeldSinceMs).toBe(4000);
    play(team, [{ kind: 'hold', callId: 'c1', held: true }], 4050);
    expect(team.calls.get('c1')!.customerHeldSinceMs).toBe(4000);
    expect(applyTeamCommand(team, whisper, 4100)).toEqual({
      ok: false,
      refusal: 'No whisper on this call now (held).',
    });
    play(team, [{ kind: 'hold', callId: 'c1', held: false }, whisper], 4200);
    expect(roleOf('sam')).toBe('whispering');
    expect(team.calls.get('c1')!.customerHeldSinceMs).toBeUndefined();
    // A colleague joins (a conference): the whisper ends, and is refused while two agents are on it.
    play(
      team,
      [
        { kind: 'reserve', callId: 'c1', agentId: 'ben', purpose: 'conference', by: 'asha' },
        { kind: 'accept', callId: 'c1', agentId: 'ben' },
      ],
      5000,
    );
    expect(roleOf('sam')).toBe('listening');
    expect(applyTeamCommand(team, whisper, 5100).ok).toBe(false);
    expect(teamInvariantViolations(team)).toEqual([]);
  });

  it('reserves an agent for one call at a time: two calls arriving together go to two agents', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben'),
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      { kind: 'offer', callId: 'c2', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
    ]);
    expect(applyTeamCommand(team, { kind: 'reserve', callId: 'c2', agentId: 'asha', purpose: 'answer' }, 2000)).toEqual(
      { ok: false, refusal: 'asha cannot take a call right now.' },
    );
    expect(applyTeamCommand(team, { kind: 'reserve', callId: 'c2', agentId: 'ben', purpose: 'answer' }, 2000).ok).toBe(
      true,
    );
    expect([team.agents.get('asha')!.state, team.agents.get('ben')!.state]).toEqual(['reserved', 'reserved']);
  });

  it('rescinds every other ring when one agent answers: a colleague’s answer is not their miss', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben', 'chen'),
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      ...['asha', 'ben', 'chen'].map((agentId): TeamCommand => ({
        kind: 'reserve',
        callId: 'c1',
        agentId,
        purpose: 'answer',
      })),
      { kind: 'accept', callId: 'c1', agentId: 'ben' },
    ]);
    const statuses = Object.fromEntries(team.calls.get('c1')!.reservations.map((r) => [r.agentId, r.status]));
    expect(statuses).toEqual({ asha: 'rescinded', ben: 'accepted', chen: 'rescinded' });
    expect(team.agents.get('ben')!.state).toBe('on_call');
    expect(team.agents.get('asha')!.state).toBe('available');
  });

  it('keeps an agent on a call on_call whatever their desk asks or however often it reconnects', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha'),
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'asha' },
      { kind: 'set_activity', agentId: 'asha', activity: { kind: 'available' } },
      { kind: 'sign_out', agentId: 'asha' },
      { kind: 'sign_in', agentId: 'asha' },
    ]);
    expect(team.agents.get('asha')!.state).toBe('on_call');
    expect(canBeOffered(team.agents.get('asha')!, 'answer', false)).toBe(false);
  });

  it('puts the agent who transferred a call in after-call work for it, and the colleague on it as its owner', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben'),
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'asha' },
      { kind: 'reserve', callId: 'c1', agentId: 'ben', purpose: 'transfer', by: 'asha' },
      { kind: 'accept', callId: 'c1', agentId: 'ben' },
    ]);
    expect(team.calls.get('c1')!.parties.map((p) => [p.id, p.role])).toEqual([['ben', 'owner']]);
    expect(team.agents.get('asha')!).toMatchObject({ state: 'after_call_work', wrapUps: ['c1'] });
    expect(team.agents.get('ben')!.state).toBe('on_call');
  });

  it('leaves one wrap-up per call, oldest first, when a held call and a live one both end', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha'),
      { kind: 'offer', callId: 'c1', waitingAllowed: true },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'asha' },
      { kind: 'offer', callId: 'c2', waitingAllowed: true },
      { kind: 'reserve', callId: 'c2', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c2', agentId: 'asha' },
      { kind: 'leave', callId: 'c2', partyId: 'asha' },
      { kind: 'end', callId: 'c1' },
    ]);
    expect(team.agents.get('asha')!).toMatchObject({ state: 'after_call_work', wrapUps: ['c2', 'c1'] });
    play(team, [{ kind: 'save_wrap_up', agentId: 'asha', callId: 'c2' }]);
    expect(team.agents.get('asha')!.state).toBe('after_call_work');
    play(team, [{ kind: 'save_wrap_up', agentId: 'asha', callId: 'c1' }]);
    expect(team.agents.get('asha')!.state).toBe('available');
  });

  it('offers nobody not ready, in after-call work, or at capacity', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben', 'chen'),
      { kind: 'set_activity', agentId: 'asha', activity: { kind: 'not_ready', reason: 'lunch' } },
      { kind: 'offer', callId: 'c1', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'ben', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'ben' },
      { kind: 'offer', callId: 'c0', waitingAllowed: false },
      { kind: 'reserve', callId: 'c0', agentId: 'chen', purpose: 'answer' },
      { kind: 'accept', callId: 'c0', agentId: 'chen' },
      { kind: 'end', callId: 'c0' },
      { kind: 'offer', callId: 'c2', waitingAllowed: false },
    ]);
    expect(team.agents.get('asha')).toMatchObject({ state: 'not_ready', reason: 'lunch' });
    for (const agentId of ['asha', 'ben', 'chen'])
      expect(applyTeamCommand(team, { kind: 'reserve', callId: 'c2', agentId, purpose: 'answer' }, 5000).ok).toBe(
        false,
      );
  });

  it('an agent hands the call to a bot: the bot holds it, the agent is in after-call work; the bot’s escalation rings it again', () => {
    const team = emptyTeam();
    play(team, [
      ...signedIn('asha', 'ben'),
      { kind: 'offer', callId: 'c1', queue: 'front', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'asha', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'asha' },
    ]);
    // Not the owner's to give, and not while a colleague rings for it.
    expect(applyTeamCommand(team, { kind: 'hand_to_bot', callId: 'c1', agentId: 'ben', botId: 'pay' }, 10).ok).toBe(
      false,
    );
    expect(
      applyTeamCommand(team, { kind: 'requeue', callId: 'c1', queue: 'front', waitingAllowed: false }, 10).ok,
    ).toBe(false);
    play(team, [{ kind: 'hand_to_bot', callId: 'c1', agentId: 'asha', botId: 'pay' }]);
    expect(team.calls.get('c1')).toMatchObject({
      phase: 'answered',
      parties: [{ id: 'pay', kind: 'bot', role: 'owner' }],
    });
    expect(team.agents.get('asha')).toMatchObject({ state: 'after_call_work', calls: [], wrapUps: ['c1'] });
    expect(applyTeamCommand(team, { kind: 'leave', callId: 'c1', partyId: 'pay' }, 20).ok).toBe(false);
    play(team, [
      { kind: 'requeue', callId: 'c1', queue: 'billing', waitingAllowed: false },
      { kind: 'reserve', callId: 'c1', agentId: 'ben', purpose: 'answer' },
      { kind: 'accept', callId: 'c1', agentId: 'ben' },
    ]);
    expect(team.calls.get('c1')).toMatchObject({ phase: 'answered', queue: 'billing', parties: [{ id: 'ben' }] });
  });

  it('holds an agent offered a callback, and while they place it, as a ring does: no customer call rings for them', () => {
    const team = emptyTeam();
    play(team, [...signedIn('asha', 'ben'), { kind: 'offer', callId: 'c1', waitingAllowed: true }]);
    const ring = (agentId: string): TeamCommand => ({ kind: 'reserve', callId: 'c1', agentId, purpose: 'answer' });
    expect(play(team, [{ kind: 'offer_callback', callId: 'callback:x', agentId: 'asha' }], 2000)).toEqual([true]);
    expect(team.agents.get('asha')!.state).toBe('reserved');
    // The customer's call rings for Ben, not for Asha; nor is the callback offered to Ben at the same time.
    expect(play(team, [ring('asha'), ring('ben')], 2100)).toEqual([false, true]);
    expect(play(team, [{ kind: 'offer_callback', callId: 'callback:x', agentId: 'ben' }], 2200)).toEqual([false]);
    // Taking it is not answering a call: she stays held while she places it, and placing its call settles it.
    expect(applyTeamCommand(team, { kind: 'accept', callId: 'callback:x', agentId: 'asha' }, 2300).ok).toBe(false);
    expect(play(team, [{ kind: 'place', callId: 'out1', agentId: 'asha' }], 2400)).toEqual([true]);
    expect(team.agents.get('asha')).toMatchObject({ state: 'on_call', reservations: [] });
    expect(team.calls.get('callback:x')!.reservations[0]!.status).toBe('rescinded');
    // Passed on (declined), the same callback may be offered to the next free agent.
    play(
      team,
      [
        { kind: 'end', callId: 'c1' },
        { kind: 'offer_callback', callId: 'callback:y', agentId: 'ben' },
      ],
      3000,
    );
    expect(play(team, [{ kind: 'reject', callId: 'callback:y', agentId: 'ben' }], 3100)).toEqual([true]);
    expect(team.agents.get('ben')!.state).toBe('available');
    expect(teamInvariantViolations(team)).toEqual([]);
  });

  it('holds its invariants after every step of any interleaving of the team’s features', () => {
    fc.assert(
      fc.property(teamIntentsArbitrary(80), (intents) => {
        const team = emptyTeam();
        const talked = new Map<string, Set<string>>();
        const played: TeamCommand[] = [];
        intents.forEach((intent, step) => {
          const command = resolveIntent(team, intent);
          played.push(command);
          const before = structuredClone(team.agents.get('agentId' in command ? command.agentId : '') ?? null);
          const whole = JSON.stringify([[...team.agents], [...team.calls]]);
          const outcome = applyTeamCommand(team, command, 1000 + step * 10);
          // The steps so far, for a failure's message: written only when a check fails (it is long).
          const where = () => `after ${played.map((c) => JSON.stringify(c)).join('\n')}`;
          const violations = teamInvariantViolations(team);
          if (violations.length > 0) expect(violations, where()).toEqual([]);
          // A refused command leaves the team exactly as it was.
          if (!outcome.ok && JSON.stringify([[...team.agents], [...team.calls]]) !== whole)
            expect(JSON.stringify([[...team.agents], [...team.calls]]), where()).toBe(whole);
          if (outcome.ok && command.kind === 'reserve') {
            const waitingAllowed = team.calls.get(command.callId)!.waitingAllowed;
            const offerable = before !== null && canBeOffered(before, command.purpose, waitingAllowed);
            if (!offerable) expect(offerable, where()).toBe(true);
          }
          // A callback goes only to an agent free for a call, and holds them as a ring does.
          if (outcome.ok && command.kind === 'offer_callback') {
            const offerable = before !== null && canBeOffered(before, 'callback', false);
            if (!offerable) expect(offerable, where()).toBe(true);
            expect(team.agents.get(command.agentId)!.state, where()).toBe('reserved');
          }
          // WhatsApp refused that answer: the agent never spoke to the customer.
          if (outcome.ok && command.kind === 'answer_failed') talked.get(command.callId)?.delete(command.agentId);
          for (const call of team.calls.values()) {
            const heard = talked.get(call.id) ?? new Set<string>();
            for (const p of call.parties)
              if (p.kind === 'agent' && (p.role === 'owner' || p.role === 'conference')) heard.add(p.id);
            talked.set(call.id, heard);
            // Everyone who spoke to the customer owes (or has saved) exactly one wrap-up once the call is over.
            const owing = call.phase === 'ended' ? [...heard].filter((id) => !call.wrapUpsGiven.includes(id)) : [];
            if (owing.length > 0) expect(owing, where()).toEqual([]);
          }
        });
      }),
      { numRuns: 1500 },
    );
    // Pure and CPU-bound: on a machine busy with other work it may take several times its idle 5 s.
  }, 120_000);
});
