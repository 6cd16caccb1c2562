import type { CallSignal } from '../../shared/callSignals';
import type { RelayBusMessage } from '../../shared/relayProtocol';
import type { Activity, AgentRecord, CallRecord, ReservationPurpose } from '../../shared/teamState';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { Bus } from '../bus';
import { holdsCallback } from '../callbacks/queueCallbacks';
import { createDueWake } from '../dueWake';
import { LEASE_MS } from '../routeStore';
import type { CallRecorder } from '../records/callRecorder';
import type { TeamCommand } from './teamModel';
import type { AlsoRemoved, TeamApplied, TeamStore } from './teamStore';

/** What the agent's desk is told of their state. */
export function stateSignal(agent: AgentRecord): Extract<CallSignal, { type: 'agent_state' }> {
  return {
    type: 'agent_state',
    state: agent.state,
    ...(agent.reason !== undefined && { reason: agent.reason }),
    sinceMs: agent.sinceMs,
    wrapUps: agent.wrapUps,
    ...(agent.state === 'reserved' && holdsCallback(agent.reservations) && { holdingCallback: true }),
  };
}

/** The not-ready reasons a team has unless the operator lists its own (RELAY_NOT_READY_REASONS). */
export const DEFAULT_NOT_READY_REASONS = ['break', 'lunch', 'training', 'meeting', 'busy', 'away'];
/** After a pass that left overdue after-call work (a wrap-up refused), the next try. */
const WRAP_UP_RETRY_MS = 1000;

/**
 * Where the relay changes who is doing what: every change goes through the team model in Redis, and each agent whose
 * state moved hears it at their desk (and the board through the bus). Nothing else writes an agent's state.
 */
export function createTeamFloor(deps: {
  team: TeamStore;
  bus: Bus;
  log: Logger;
  /** Whether the agent's desk is still renewing its liveness (a desk on a dead instance stops). */
  alive(agentIds: string[]): Promise<boolean[]>;
  notReadyReasons?: string[];
  /**
   * How long after a call the relay holds an agent in after-call work for a wrap-up they have not saved
   * (RELAY_AFTER_CALL_SECONDS). Unset: until the desk saves it or says it has none; 0: not at all.
   */
  afterCallMs?: number;
  /** Where each ring's end is recorded, for the board's per-agent figures. */
  records?: CallRecorder;
}) {
  const { team, bus, log } = deps;
  const reasons = deps.notReadyReasons ?? DEFAULT_NOT_READY_REASONS;
  const afterCallMs = deps.afterCallMs;

  /**
   * Each agent whose state moved hears it at their desk. Sent without waiting: one connection publishes in the order
   * sent, so a desk never sees an older state after a newer one, and a ring is not held up by a hundred states.
   */
  function tell(agents: AgentRecord[]): void {
    const states = agents.map((agent): RelayBusMessage => ({
      kind: 'direct',
      callId: `state:${agent.id}`,
      targets: [agent.id],
      event: stateSignal(agent),
    }));
    bus
      .publishAll(states)
      .catch((error: unknown) => log.warn('agent states not published', { error: errorText(error) }));
  }

  /**
   * Records how each of the customer's rings that this step settled ended (transfer and consult rings are not the
   * board's offers). A step stamps what it settles with its own time, which is how its settlements are told apart.
   */
  function recordRingsEnded(calls: CallRecord[], nowMs: number, agentId?: string): void {
    for (const call of calls)
      for (const ring of call.reservations) {
        if (ring.purpose !== 'answer' || ring.status === 'pending' || ring.sinceMs !== nowMs) continue;
        if (agentId !== undefined && ring.agentId !== agentId) continue;
        // A caller hanging up while it rings rescinds it: the agent could not have taken it, so it is not their miss.
        deps.records?.record({
          kind: 'ring_ended',
          callId: call.id,
          agentId: ring.agentId,
          outcome: ring.status,
          atMs: nowMs,
        });
      }
  }

  /** Calls ringing at the agent a command names that may be rescinded without being the command's call. */
  async function ringingFor(command: TeamCommand): Promise<string[]> {
    if (!deps.records || !['sign_out', 'set_activity', 'place'].includes(command.kind)) return [];
    if (!('agentId' in command)) return [];
    return (await team.agent(command.agentId))?.reservations ?? [];
  }

  async function recordRings(command: TeamCommand, applied: TeamApplied, nowMs: number, ringing: string[]) {
    if (!deps.records || !applied.ok) return;
    if (applied.call) recordRingsEnded([applied.call], nowMs);
    if (ringing.length === 0 || !('agentId' in command)) return;
    const others = await Promise.all(ringing.filter((id) => id !== applied.call?.id).map((id) => team.call(id)));
    recordRingsEnded(
      others.filter((c) => c !== undefined),
      nowMs,
      command.agentId,
    );
  }

  async function apply(command: TeamCommand, also: AlsoRemoved[] = []): Promise<TeamApplied> {
    const nowMs = Date.now();
    const ringing = await ringingFor(command);
    const applied = await team.apply(command, nowMs, also);
    if (!applied.ok) log.debug('team step refused', { kind: command.kind, refusal: applied.refusal });
    await recordRings(command, applied, nowMs, ringing).catch((error: unknown) =>
      log.warn('ring outcomes not recorded', { error: errorText(error) }),
    );
    for (const agent of applied.agents)
      if (agent.state === 'after_call_work' && afterCallMs) wrapUpsEnd?.at(agent.sinceMs + afterCallMs);
    const held = afterCallMs === 0 ? applied.agents.filter((a) => a.wrapUps.length > 0) : [];
    tell(applied.agents.filter((a) => !held.includes(a)));
    for (const agent of held) await closeWrapUps(agent.id, agent.wrapUps);
    return applied;
  }

  /** Wrap-ups the relay no longer waits for: saved on the agent's behalf (the desk may still send its notes). */
  async function closeWrapUps(agentId: string, callIds: string[]): Promise<void> {
    for (const callId of callIds) await apply({ kind: 'save_wrap_up', agentId, callId });
  }

  /**
   * Agents whose after-call work outlasted the operator's limit go back to their own choice of status. Returns when
   * the next one's limit is up (one command while nothing is overdue).
   */
  async function endOverdueWrapUps(limitMs: number, nowMs: number): Promise<number | undefined> {
    const first = await team.firstWrapUpSince();
    if (first === undefined || first + limitMs > nowMs) return first === undefined ? undefined : first + limitMs;
    for (const agentId of await team.inWrapUpSince(nowMs - limitMs)) {
      const agent = await team.agent(agentId);
      if (!agent?.wrapUps.length) continue;
      log.info('after-call work timed out: wrap-up not saved in time', { agentId, calls: agent.wrapUps });
      await closeWrapUps(agentId, agent.wrapUps);
    }
    const next = await team.firstWrapUpSince();
    if (next === undefined) return undefined;
    return next + limitMs > nowMs ? next + limitMs : Date.now() + WRAP_UP_RETRY_MS;
  }
  /**
   * Wakes when the earliest after-call work this instance knows of is up: its own agents' entering arms it, and
   * other instances' (one that died included) are learned by a look once per lease.
   */
  const wrapUpsEnd = afterCallMs
    ? createDueWake({
        look: (nowMs) => endOverdueWrapUps(afterCallMs, nowMs),
        safetyMs: LEASE_MS,
        log,
        what: 'after-call work',
      })
    : undefined;

  async function stillThere(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const alive = await deps.alive(ids);
    return ids.filter((_, i) => alive[i]);
  }

  /**
   * Asks each candidate in turn; returns those now reserved for the call (at most `max`). `also` leaves its sorted
   * sets in the write that reserves someone.
   */
  async function reserve(
    callId: string,
    candidates: string[],
    purpose: ReservationPurpose,
    max: number,
    by?: string,
    also: AlsoRemoved[] = [],
  ) {
    const ask = (agentId: string): TeamCommand => ({
      kind: 'reserve',
      callId,
      agentId,
      purpose,
      ...(by !== undefined && { by }),
    });
    // Ringing everyone free: every reservation in one transaction, and each agent told once.
    if (max === Infinity && candidates.length > 1) {
      const results = await team.applyAll(candidates.map(ask), Date.now(), also);
      const changed = new Map(results.flatMap((r) => r.agents).map((a) => [a.id, a]));
      tell([...changed.values()]);
      return candidates.filter((_, i) => results[i]!.ok);
    }
    const reserved: string[] = [];
    for (const agentId of candidates) {
      if (reserved.length >= max) break;
      if ((await apply(ask(agentId), also)).ok) reserved.push(agentId);
    }
    return reserved;
  }

  /**
   * The agent's own choice of status. Not ready rescinds every ring at them (the status change wins over the ring):
   * returns those calls, for the router to pass on at once.
   */
  async function setActivity(agentId: string, activity: Activity): Promise<string[]> {
    const ringing = activity.kind === 'not_ready' ? ((await team.agent(agentId))?.reservations ?? []) : [];
    const applied = await apply({ kind: 'set_activity', agentId, activity });
    return applied.ok ? ringing : [];
  }

  return {
    apply,
    reserve,
    setActivity,
    reasons,
    /** Starts ending after-call work as each one's limit is up; only with an operator's limit. */
    start(): void {
      wrapUpsEnd?.start();
    },
    stop(): void {
      wrapUpsEnd?.stop();
    },
    /** What a desk asked for, checked: `available`, or not ready for one of the team's reasons. */
    activityFor(status: string, reason?: string): Activity | undefined {
      if (status === 'available') return { kind: 'available' };
      const why = reason ?? status;
      // The desk's own Busy and Away (its wrap-up hold, a supervisor's word) hold whatever the operator's list says.
      const deskOwn = reason === undefined && (status === 'busy' || status === 'away');
      return deskOwn || reasons.includes(why) ? { kind: 'not_ready', reason: why } : undefined;
    },
    /** Agents who may ring for a new call now, longest idle first, whose desks are still there. */
    async freeAgents(limit = 1000): Promise<string[]> {
      return stillThere(await team.longestIdle(limit));
    },
    /** The free agents of these routing groups (queue and skill level), the `limit` longest idle of each. */
    async freeAgentsOf(groups: string[], limit: number): Promise<string[]> {
      return stillThere([...new Set((await team.idleOfGroups(groups, limit)).flat())]);
    },
    /** Where these groups' free agents are kept (read elsewhere at one moment with other keys: `freeOfRead`). */
    idleKeysOf: (groups: string[]): string[] => team.idleKeysOf(groups),
    /** The free agents of such a read, as `freeAgentsOf` gives them. */
    freeOfRead: (idle: string[][]): Promise<string[]> => stillThere([...new Set(idle.flat())]),
    /**
     * Agents the model has signed in whose desk stopped renewing its liveness (its relay instance died or stopped, and
     * the desk has not come back): signed out, so the board and the figures stop showing them available. A desk that
     * is in fact still connected signs itself in again at its next heartbeat.
     */
    async signOutLapsed(): Promise<string[]> {
      const connected = await team.connectedIds();
      const alive = connected.length > 0 ? await deps.alive(connected) : [];
      const lapsed = connected.filter((_, i) => !alive[i]);
      for (const agentId of lapsed) await apply({ kind: 'sign_out', agentId });
      return lapsed;
    },
    /** Agents of these routing groups on one call who could take a waiting call, longest on their call first. */
    /** Whether an agent of these routing groups is ringing for a call while on none (and may be free in a moment). */
    async anyRingingIn(groups: string[]): Promise<boolean> {
      return (await team.ringingInGroups(groups)) > 0;
    },
    async onOneCallOf(groups: string[], limit: number): Promise<string[]> {
      return stillThere([...new Set((await team.onOneCallOfGroups(groups, limit)).flat())]);
    },
    /** The records of these agents (missing ones left out), for routing decisions. */
    records: (ids: string[]): Promise<AgentRecord[]> => team.agentsById(ids),
    agent: (id: string) => team.agent(id),
    lost: () => team.lost(),
    call: (id: string) => team.call(id),
    calls: (ids: string[]) => team.calls(ids),
    agents: () => team.agents(),
  };
}
export type TeamFloor = ReturnType<typeof createTeamFloor>;

/** How many agents are in each state (the relay's metrics). */
export function countByState(agents: AgentRecord[]): Record<string, number> {
  const counts: Record<string, number> = {
    offline: 0,
    available: 0,
    reserved: 0,
    on_call: 0,
    after_call_work: 0,
    not_ready: 0,
  };
  for (const agent of agents) counts[agent.state] = (counts[agent.state] ?? 0) + 1;
  return counts;
}
