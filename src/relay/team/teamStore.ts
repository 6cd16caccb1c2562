import type { Redis } from 'ioredis';
import { AgentRecord, CallRecord } from '../../shared/teamState';
import { CLAIM_MS } from '../relayKeys';
import { createCommandTurns } from './commandTurns';
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

/** A sorted set's member removed in the same write as a command's changes (only if the command changed something). */
export interface AlsoRemoved {
  key: string;
  member: string;
}

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
 * Writes a command's changes only if every record it read is still as read (the key absent where it was absent):
 * the check and the writes are one step for Redis, so a command needs no WATCH and several can be in flight on one
 * connection. KEYS: the records read, then the keys only written; ARGV: how many were read, each as read ('=' and the
 * value, or '!' for none), then the writes as op, key's index in KEYS and arguments.
 */
const WRITE_IF_UNCHANGED = `
local n = tonumber(ARGV[1])
for i = 1, n do
  local want = ARGV[i + 1]
  local have = redis.call('GET', KEYS[i])
  if want == '!' then
    if have then return 0 end
  elseif have ~= string.sub(want, 2) then
    return 0
  end
end
local i = n + 2
while i <= #ARGV do
  local op, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
  if op == 'set' then
    redis.call('SET', key, ARGV[i + 2])
    i = i + 3
  elseif op == 'setpx' then
    redis.call('SET', key, ARGV[i + 2], 'PX', ARGV[i + 3])
    i = i + 4
  elseif op == 'sadd' then
    redis.call('SADD', key, ARGV[i + 2])
    i = i + 3
  elseif op == 'zadd' then
    redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  else
    redis.call('ZREM', key, ARGV[i + 2])
    i = i + 3
  end
end
return 1
`;

/** The raw records a command read, by key (null: none there), and what it writes if they are still so. */
class ConditionalWrite {
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly ops: string[] = [];
  constructor(private readonly read: Map<string, string | null>) {
    for (const key of read.keys()) this.keyIndex(key);
  }
  private keyIndex(key: string): string {
    let at = this.index.get(key);
    if (at === undefined) {
      this.keys.push(key);
      this.index.set(key, (at = this.keys.length));
    }
    return String(at);
  }
  op(name: 'set' | 'sadd' | 'zrem', key: string, value: string): this {
    this.ops.push(name, this.keyIndex(key), value);
    return this;
  }
  zadd(key: string, score: number, member: string): this {
    this.ops.push('zadd', this.keyIndex(key), String(score), member);
    return this;
  }
  setPx(key: string, value: string, ms: number): this {
    this.ops.push('setpx', this.keyIndex(key), value, String(ms));
    return this;
  }
  /** True when written; false when a record read changed meanwhile. */
  async exec(redis: Redis): Promise<boolean> {
    const expected = [...this.read.values()].map((raw) => (raw === null ? '!' : `=${raw}`));
    const args = [String(this.read.size), ...expected, ...this.ops];
    return (await redis.eval(WRITE_IF_UNCHANGED, this.keys.length, ...this.keys, ...args)) === 1;
  }
}

/**
 * The team model kept in Redis and shared by every relay instance: each command reads the records it concerns,
 * is applied by the pure model, and is written back only if none of those records changed meanwhile
 * (WRITE_IF_UNCHANGED); otherwise it is applied again on what is there now. Commands naming different agents and
 * calls run at once; those naming the same one run in the order given. `redis` must be a connection of its own: the
 * sweeps that forget agents or move them between groups WATCH on it, with no command in flight meanwhile.
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
  const turns = createCommandTurns();

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

  /** Reads these keys not read yet into `raw`, in one round trip; false when there were none. */
  async function readInto(raw: Map<string, string | null>, keys: string[]): Promise<boolean> {
    const missing = [...new Set(keys)].filter((k) => !raw.has(k));
    if (missing.length === 0) return false;
    const rows = await redis.mget(...missing);
    missing.forEach((k, i) => raw.set(k, rows[i] ?? null));
    return true;
  }

  /**
   * Reads every record these commands concern into one slice, with each record's raw value as read (for the write
   * to check): the agents and calls they name in one round trip, then the calls ringing for those agents and the
   * agents on or ringing for the calls, only where there are some not read yet.
   */
  async function readSlice(commands: TeamCommand[]) {
    const raw = new Map<string, string | null>();
    const named = [...new Set(commands.flatMap((c) => ('agentId' in c ? [c.agentId] : [])))];
    const namedCalls = commands.flatMap((c) => ('callId' in c ? [c.callId] : []));
    let reads = Number(await readInto(raw, [...named.map(agentKey), ...namedCalls.map(callKey)]));
    const agentAt = (id: string) => parse(AgentRecord, raw.get(agentKey(id)) ?? null);
    const callIds = [
      ...new Set(commands.flatMap((c) => involvedCalls(c, 'agentId' in c ? agentAt(c.agentId) : undefined))),
    ];
    reads += Number(await readInto(raw, callIds.map(callKey)));
    const slice: TeamSlice = { agents: new Map(), calls: new Map() };
    for (const id of callIds) {
      const call = parse(CallRecord, raw.get(callKey(id)) ?? null);
      if (call) slice.calls.set(call.id, call);
    }
    // The agents on or ringing for those calls; those named were read already.
    const calls = [...slice.calls.values()];
    const ids = [...new Set([...named, ...commands.flatMap((c) => involvedAgents(c, calls))])];
    reads += Number(await readInto(raw, ids.map(agentKey)));
    for (const id of ids) {
      const agent = agentAt(id);
      if (agent) slice.agents.set(id, agent);
    }
    return { slice, raw, reads };
  }

  /** The commands in order on one slice, written at once; undefined when a record read changed meanwhile. */
  async function attempt(
    commands: TeamCommand[],
    nowMs: number,
    alsoRemoved: AlsoRemoved[],
  ): Promise<TeamApplied[] | undefined> {
    const { slice, raw, reads } = await readSlice(commands);
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
      // Nothing to write: records read in several rounds are checked to have been all as read at once.
      if (reads > 1 && !(await new ConditionalWrite(raw).exec(redis))) return undefined;
    } else {
      const write = new ConditionalWrite(raw).op('set', keptKey, '1');
      for (const { key: set, member } of alsoRemoved) write.op('zrem', set, member);
      for (const agent of changedIds.map((id) => slice.agents.get(id)!)) {
        write.op('set', agentKey(agent.id), JSON.stringify(agent));
        const was = indexedBefore.get(agent.id);
        if (!was) write.op('sadd', agentsKey, agent.id);
        // Only the indexes whose membership or order moved are written: ringing a whole team touches 4 of 8 each.
        for (const [set, score] of indexesOf(agent))
          if (score === undefined) {
            if (was?.get(set) !== undefined || !was) write.op('zrem', set, agent.id);
          } else if (was?.get(set) !== score) write.zadd(set, score, agent.id);
      }
      for (const call of changedCalls)
        write.setPx(callKey(call.id), JSON.stringify(call), call.phase === 'ended' ? ENDED_KEEP_MS : CLAIM_MS);
      if (!(await write.exec(redis))) return undefined;
    }
    return outcomes.map((outcome, i) => {
      const command = commands[i]!;
      const call = 'callId' in command ? slice.calls.get(command.callId) : undefined;
      if (!outcome.ok) return { ...outcome, agents: [], call };
      return { ...outcome, agents: outcome.changedAgents.map((id) => slice.agents.get(id)!), call };
    });
  }

  async function applyNow(commands: TeamCommand[], nowMs: number, also: AlsoRemoved[]): Promise<TeamApplied[]> {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries += 1) {
      const applied = await attempt(commands, nowMs, also);
      if (applied) return applied;
    }
    throw new Error(`the team's state kept changing under ${commands[0]?.kind}; try again`);
  }

  /** The agents and calls the commands name: a command waits only for earlier ones naming one of them. */
  const namedKeys = (commands: TeamCommand[]) =>
    commands.flatMap((c) => [
      ...('agentId' in c ? [agentKey(c.agentId)] : []),
      ...('callId' in c ? [callKey(c.callId)] : []),
    ]);
  const queued = (commands: TeamCommand[], nowMs: number, also: AlsoRemoved[] = []): Promise<TeamApplied[]> =>
    turns.shared(namedKeys(commands), () => applyNow(commands, nowMs, also));

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
    /**
     * Applies one command atomically; a refusal is an outcome, not an error. `also` leaves its sorted sets in the same
     * write, when the command changed something.
     */
    async apply(command: TeamCommand, nowMs = Date.now(), also: AlsoRemoved[] = []): Promise<TeamApplied> {
      // A ring already settled is refused on one read, outside the queue: the 99 losers of a race wait for nothing.
      if (command.kind === 'accept' || command.kind === 'reject' || command.kind === 'ring_timeout') {
        const call = parse(CallRecord, await redis.get(callKey(command.callId)));
        if (!call || !pendingFor(call, command.agentId))
          return { ok: false, refusal: 'This call is not ringing for you.', agents: [], call };
      }
      return (await queued([command], nowMs, also))[0]!;
    },
    /**
     * Several commands in one transaction, in order, each refused or not on its own (ringing a whole team: one
     * round of Redis, not one per agent). Each result lists the agents it changed as they are after all the steps.
     */
    applyAll: (commands: TeamCommand[], nowMs = Date.now(), also: AlsoRemoved[] = []): Promise<TeamApplied[]> =>
      queued(commands, nowMs, also),
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
    forgetSignedOutBefore: (beforeMs: number): Promise<string[]> => turns.alone(() => forgetSignedOutBefore(beforeMs)),
    /**
     * The queues changed: agents whose routing groups differ from `before` (the groups they had) are indexed in the
     * groups they have now and leave those they lost, without their records changing (a call ringing them or in
     * progress goes on). Run after every change of `groupsOf`, on each instance, after its commands of the old
     * groups. Returns who moved.
     */
    regroup: (before: (agentId: string) => string[]): Promise<string[]> => turns.alone(() => regroup(before)),
    /** Redis has lost what it knew of the floor (it restarted without its data). */
    lost: async (): Promise<boolean> => (await redis.exists(keptKey)) === 0,
    /** Agents whose desk is signed in. */
    connectedIds: (): Promise<string[]> => redis.zrange(connectedKey, '0', '-1'),
    /** Agents in after-call work since before `beforeMs`. */
    inWrapUpSince: (beforeMs: number): Promise<string[]> => redis.zrangebyscore(wrapUpKey, '-inf', String(beforeMs)),
    /** When the agent longest in after-call work went into it (none in it: undefined). */
    async firstWrapUpSince(): Promise<number | undefined> {
      const [, score] = await redis.zrange(wrapUpKey, '0', '0', 'WITHSCORES');
      return score === undefined ? undefined : Number(score);
    },
    /** The longest-idle available agents of each group, up to `limit` each, in one round trip. */
    idleOfGroups: (groups: string[], limit: number): Promise<string[][]> =>
      firstOfEach(groups.map(groupIdleKey), limit),
    /** The keys of these groups' free agents, for a read that must see them at one moment with other keys. */
    idleKeysOf: (groups: string[]): string[] => groups.map(groupIdleKey),
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
