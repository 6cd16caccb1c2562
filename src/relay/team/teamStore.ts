import type { Redis } from 'ioredis';
import { AgentRecord, CallRecord } from '../../shared/teamState';
import { CLAIM_MS } from '../relayKeys';
import {
  applyTeamCommand,
  canBeOffered,
  involvedAgents,
  involvedCalls,
  pendingFor,
  type TeamCommand,
  type TeamOutcome,
  type TeamSlice,
} from './teamModel';

/** An ended call's record is kept a little while, for late requests to be refused with the right reason. */
const ENDED_KEEP_MS = 10 * 60_000;
const MAX_ATTEMPTS = 50;

export type TeamApplied = TeamOutcome & {
  /** The agents whose record changed, as they are now. */
  agents: AgentRecord[];
  call?: CallRecord;
};

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  raw: string | null,
) {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The team model kept in Redis and shared by every relay instance: each command reads the records it concerns,
 * is applied by the pure model, and is written back only if none of those records changed meanwhile (WATCH/MULTI);
 * otherwise it is applied again on what is there now. `redis` must be a connection of its own: WATCH belongs to a
 * connection, so this store runs one transaction at a time on it.
 */
export function createTeamStore(
  redis: Redis,
  prefix: string,
  /** The routing groups an agent belongs to (a queue at a skill level): each keeps its own idle order. */
  groupsOf: (agentId: string) => string[] = () => [],
) {
  const key = (...parts: string[]) => [prefix, 'team', ...parts].join(':');
  const agentKey = (id: string) => key('agent', id);
  const callKey = (id: string) => key('call', id);
  const agentsKey = key('agents');
  const idleKey = key('idle');
  const groupIdleKey = (group: string) => key('idle', group);
  const wrapUpKey = key('after-call');
  /** Agents whose desk is signed in, for the sweep that signs out desks whose relay instance died. */
  const connectedKey = key('connected');
  /** Per group, agents on one call who could take a waiting call (queues that allow call waiting), longest on it first. */
  const groupWaitingKey = (group: string) => key('one-call', group);
  /** Per group, agents ringing for a call and on none: they may be free again in a moment. */
  const groupRingingKey = (group: string) => key('ringing', group);
  // Written with every change: when it is missing, Redis has lost the floor (it restarted empty).
  const keptKey = key('kept');
  let queue: Promise<unknown> = Promise.resolve();

  /**
   * Where an agent belongs in each index: the score (when) while its condition holds, undefined where it does not.
   * Routing reads these instead of every agent's record.
   */
  function indexesOf(agent: AgentRecord): Map<string, number | undefined> {
    const entries = new Map<string, number | undefined>();
    const index = (sets: string[], holds: boolean, score: number) => {
      for (const set of sets) entries.set(set, holds ? score : undefined);
    };
    const groups = groupsOf(agent.id);
    index([idleKey, ...groups.map(groupIdleKey)], agent.state === 'available', agent.idleSinceMs);
    index([wrapUpKey], agent.state === 'after_call_work', agent.sinceMs);
    // Membership only (read whole by the sweep): a score that moved with every state would be rewritten each time.
    index([connectedKey], agent.connected, 0);
    const canWait = agent.calls.length === 1 && canBeOffered(agent, 'answer', true);
    index(groups.map(groupWaitingKey), canWait, agent.sinceMs);
    index(groups.map(groupRingingKey), agent.state === 'reserved', agent.sinceMs);
    return entries;
  }

  /** The first `limit` members of each sorted set, in one round trip. */
  async function firstOfEach(sets: string[], limit: number): Promise<string[][]> {
    const read = redis.pipeline();
    for (const set of sets) read.zrange(set, '0', String(limit - 1));
    return ((await read.exec()) ?? []).map(([, ids]) => (ids as string[] | null) ?? []);
  }

  /** Reads every record these commands concern, watching each, into one slice. */
  async function readSlice(commands: TeamCommand[]): Promise<TeamSlice> {
    const named = [...new Set(commands.flatMap((c) => ('agentId' in c ? [c.agentId] : [])))];
    if (named.length > 0) await redis.watch(...named.map(agentKey));
    const namedRows = named.length > 0 ? await redis.mget(...named.map(agentKey)) : [];
    const namedAgents = new Map(named.map((id, i) => [id, parse(AgentRecord, namedRows[i] ?? null)]));
    const callIds = [
      ...new Set(commands.flatMap((c) => involvedCalls(c, 'agentId' in c ? namedAgents.get(c.agentId) : undefined))),
    ];
    if (callIds.length > 0) await redis.watch(...callIds.map(callKey));
    const slice: TeamSlice = { agents: new Map(), calls: new Map() };
    for (const raw of callIds.length > 0 ? await redis.mget(...callIds.map(callKey)) : []) {
      const call = parse(CallRecord, raw);
      if (call) slice.calls.set(call.id, call);
    }
    for (const [id, agent] of namedAgents) if (agent) slice.agents.set(id, agent);
    // The agents on or ringing for those calls; those named were read (and watched) already.
    const calls = [...slice.calls.values()];
    const ids = [...new Set(commands.flatMap((c) => involvedAgents(c, calls)))].filter((id) => !namedAgents.has(id));
    if (ids.length > 0) await redis.watch(...ids.map(agentKey));
    const rows = ids.length > 0 ? await redis.mget(...ids.map(agentKey)) : [];
    rows.forEach((raw, i) => {
      const agent = parse(AgentRecord, raw);
      if (agent) slice.agents.set(ids[i]!, agent);
    });
    return slice;
  }

  /** One transaction: the commands in order on one slice; undefined when a record changed meanwhile. */
  async function attempt(commands: TeamCommand[], nowMs: number): Promise<TeamApplied[] | undefined> {
    const slice = await readSlice(commands);
    // Each agent's place in the indexes as read, so that only what changes is written. Signing in or out writes
    // them all again: an agent whose queues changed since is put right then.
    const refreshed = new Set(
      commands.flatMap((c) => (c.kind === 'sign_in' || c.kind === 'sign_out' ? [c.agentId] : [])),
    );
    const indexedBefore = new Map(
      [...slice.agents.values()].filter((a) => !refreshed.has(a.id)).map((a) => [a.id, indexesOf(a)] as const),
    );
    const before = new Map([...slice.calls].map(([id, call]) => [id, JSON.stringify(call)]));
    const outcomes = commands.map((command) => applyTeamCommand(slice, command, nowMs));
    const changedIds = [...new Set(outcomes.flatMap((o) => (o.ok ? o.changedAgents : [])))];
    const changedCalls = [...slice.calls.values()].filter((call) => JSON.stringify(call) !== before.get(call.id));
    if (changedIds.length === 0 && changedCalls.length === 0) {
      await redis.unwatch();
    } else {
      const write = redis.multi().set(keptKey, '1');
      for (const agent of changedIds.map((id) => slice.agents.get(id)!)) {
        write.set(agentKey(agent.id), JSON.stringify(agent));
        const was = indexedBefore.get(agent.id);
        if (!was) write.sadd(agentsKey, agent.id);
        // Only the indexes whose membership or order moved are written: ringing a whole team touches 4 of 8 each.
        for (const [set, score] of indexesOf(agent))
          if (score === undefined) {
            if (was?.get(set) !== undefined || !was) write.zrem(set, agent.id);
          } else if (was?.get(set) !== score) write.zadd(set, score, agent.id);
      }
      for (const call of changedCalls)
        write.set(callKey(call.id), JSON.stringify(call), 'PX', call.phase === 'ended' ? ENDED_KEEP_MS : CLAIM_MS);
      if ((await write.exec()) === null) return undefined;
    }
    return outcomes.map((outcome, i) => {
      const command = commands[i]!;
      const call = 'callId' in command ? slice.calls.get(command.callId) : undefined;
      if (!outcome.ok) return { ...outcome, agents: [], call };
      return { ...outcome, agents: outcome.changedAgents.map((id) => slice.agents.get(id)!), call };
    });
  }

  async function applyNow(commands: TeamCommand[], nowMs: number): Promise<TeamApplied[]> {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries += 1) {
      const applied = await attempt(commands, nowMs);
      if (applied) return applied;
    }
    throw new Error(`the team's state kept changing under ${commands[0]?.kind}; try again`);
  }

  function queued(commands: TeamCommand[], nowMs: number): Promise<TeamApplied[]> {
    const run = queue.then(() => applyNow(commands, nowMs));
    queue = run.catch(() => undefined);
    return run;
  }

  /** Signed out since before `beforeMs`, with no call ringing at them or in progress: nothing the team still needs. */
  const longGone = (agent: AgentRecord | undefined, beforeMs: number) =>
    agent !== undefined &&
    !agent.connected &&
    agent.state === 'offline' &&
    agent.sinceMs < beforeMs &&
    agent.calls.length === 0 &&
    agent.reservations.length === 0;

  /** Drops one agent's record if it is still long gone when written (a sign-in meanwhile keeps it). */
  async function forgetOne(id: string, beforeMs: number): Promise<boolean> {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries += 1) {
      await redis.watch(agentKey(id));
      const agent = parse(AgentRecord, await redis.get(agentKey(id)));
      if (agent && !longGone(agent, beforeMs)) {
        await redis.unwatch();
        return false;
      }
      const write = redis.multi().srem(agentsKey, id).del(agentKey(id)).zrem(wrapUpKey, id).zrem(connectedKey, id);
      if ((await write.exec()) !== null) return true;
    }
    return false;
  }

  async function forgetSignedOutBefore(beforeMs: number): Promise<string[]> {
    const ids = await redis.smembers(agentsKey);
    const forgotten: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await redis.mget(...chunk.map(agentKey));
      for (const [j, id] of chunk.entries()) {
        const agent = parse(AgentRecord, rows[j] ?? null);
        if ((agent === undefined || longGone(agent, beforeMs)) && (await forgetOne(id, beforeMs))) forgotten.push(id);
      }
    }
    return forgotten;
  }

  /** Puts one agent's places right for the groups they belong to now, having belonged to `before`. */
  async function regroupOne(id: string, before: string[]): Promise<void> {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries += 1) {
      await redis.watch(agentKey(id));
      const agent = parse(AgentRecord, await redis.get(agentKey(id)));
      const now = new Set(groupsOf(id));
      const write = redis.multi();
      for (const group of before.filter((g) => !now.has(g)))
        write.zrem(groupIdleKey(group), id).zrem(groupWaitingKey(group), id).zrem(groupRingingKey(group), id);
      for (const [set, score] of agent ? indexesOf(agent) : [])
        if (score === undefined) write.zrem(set, id);
        else write.zadd(set, score, id);
      if ((await write.exec()) !== null) return;
    }
    throw new Error(`agent ${id} kept changing while their queues were applied; try again`);
  }

  /** Every known agent whose groups differ from `before`, each put right in its own transaction. */
  async function regroup(before: (agentId: string) => string[]): Promise<string[]> {
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((g) => b.includes(g));
    const moved = (await redis.smembers(agentsKey)).filter((id) => !same(before(id), groupsOf(id)));
    for (const id of moved) await regroupOne(id, before(id));
    return moved.sort();
  }

  /** These agents' records in one round trip (missing ones left out). */
  async function agentsById(ids: string[]): Promise<AgentRecord[]> {
    if (ids.length === 0) return [];
    const rows = await redis.mget(...ids.map(agentKey));
    return rows.map((raw) => parse(AgentRecord, raw)).filter((a): a is AgentRecord => a !== undefined);
  }

  return {
    /** Applies one command atomically; a refusal is an outcome, not an error. */
    async apply(command: TeamCommand, nowMs = Date.now()): Promise<TeamApplied> {
      // A ring already settled is refused on one read, outside the queue: the 99 losers of a race wait for nothing.
      if (command.kind === 'accept' || command.kind === 'reject' || command.kind === 'ring_timeout') {
        const call = parse(CallRecord, await redis.get(callKey(command.callId)));
        if (!call || !pendingFor(call, command.agentId))
          return { ok: false, refusal: 'This call is not ringing for you.', agents: [], call };
      }
      return (await queued([command], nowMs))[0]!;
    },
    /**
     * Several commands in one transaction, in order, each refused or not on its own (ringing a whole team: one
     * round of Redis, not one per agent). Each result lists the agents it changed as they are after all the steps.
     */
    applyAll: (commands: TeamCommand[], nowMs = Date.now()): Promise<TeamApplied[]> => queued(commands, nowMs),
    async agent(id: string): Promise<AgentRecord | undefined> {
      return parse(AgentRecord, await redis.get(agentKey(id)));
    },
    agentsById,
    async call(id: string): Promise<CallRecord | undefined> {
      return parse(CallRecord, await redis.get(callKey(id)));
    },
    /** Several calls' records in one command (the board reads every call in progress at each rebuild). */
    async calls(ids: string[]): Promise<Array<CallRecord | undefined>> {
      if (ids.length === 0) return [];
      return (await redis.mget(...ids.map(callKey))).map((raw) => parse(CallRecord, raw));
    },
    /** Every agent the team has seen, for the board. */
    async agents(): Promise<AgentRecord[]> {
      return agentsById(await redis.smembers(agentsKey));
    },
    /**
     * Agents signed out since before `beforeMs` leave the team's known set (and their record goes): routing, the
     * board and the metrics stop reading them. Signing in again brings them back as new. Returns who was forgotten.
     */
    forgetSignedOutBefore(beforeMs: number): Promise<string[]> {
      const run = queue.then(() => forgetSignedOutBefore(beforeMs));
      queue = run.catch(() => undefined);
      return run;
    },
    /**
     * The queues changed: agents whose routing groups differ from `before` (the groups they had) are indexed in the
     * groups they have now and leave those they lost, without their records changing (a call ringing them or in
     * progress goes on). Run after every change of `groupsOf`, on each instance, after its commands of the old
     * groups. Returns who moved.
     */
    regroup(before: (agentId: string) => string[]): Promise<string[]> {
      const run = queue.then(() => regroup(before));
      queue = run.catch(() => undefined);
      return run;
    },
    /** Redis has lost what it knew of the floor (it restarted without its data). */
    lost: async (): Promise<boolean> => (await redis.exists(keptKey)) === 0,
    /** Agents in after-call work since before `beforeMs`. */
    /** Agents whose desk is signed in. */
    connectedIds: (): Promise<string[]> => redis.zrange(connectedKey, '0', '-1'),
    inWrapUpSince: (beforeMs: number): Promise<string[]> => redis.zrangebyscore(wrapUpKey, '-inf', String(beforeMs)),
    /** The longest-idle available agents of each group, up to `limit` each, in one round trip. */
    idleOfGroups: (groups: string[], limit: number): Promise<string[][]> =>
      firstOfEach(groups.map(groupIdleKey), limit),
    /** Agents of each group on one call who could take a waiting call, up to `limit` each, in one round trip. */
    onOneCallOfGroups: (groups: string[], limit: number): Promise<string[][]> =>
      firstOfEach(groups.map(groupWaitingKey), limit),
    /** How many agents of these groups ring for a call while on none. */
    async ringingInGroups(groups: string[]): Promise<number> {
      const read = redis.pipeline();
      for (const group of groups) read.zcard(groupRingingKey(group));
      return ((await read.exec()) ?? []).reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
    },
    /** Available agents, longest idle first: what routing reads, however large the floor. */
    longestIdle: (limit = 1000): Promise<string[]> => redis.zrange(idleKey, '0', String(limit - 1)),
  };
}
export type TeamStore = ReturnType<typeof createTeamStore>;
