/**
 * The start of every Redis key of a deployment (RELAY_PREFIX): its name as a hash tag, so a Redis Cluster keeps all of
 * a team's keys in one slot, where the relay's transactions, MGETs and scripts over several keys stay allowed.
 */
export function deploymentKeyPrefix(deployment: string): string {
  return `{${deployment}}`;
}

/** Redis key names for one deployment; `prefix` (deploymentKeyPrefix) keeps deployments sharing a Redis apart. */
export function relayKeys(prefix: string) {
  const key = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    bus: key('bus'),
    agents: key('agents'),
    /** Until when each agent's desk counts as connected (ms), renewed by the instance holding it. */
    alive: key('alive'),
    /** An agent's liveness hash as relays before the `alive` index kept it: only deleted now, with a forgotten agent. */
    agent: (agentId: string) => key('agent', agentId),
    seen: (eventKey: string) => key('seen', eventKey),
    call: (callId: string) => key('call', callId),
    claim: (callId: string) => key('claim', callId),
    tried: (callId: string) => key('tried', callId),
    offered: (callId: string) => key('offered', callId),
    declined: (callId: string) => key('declined', callId),
    early: (callId: string) => key('early', callId),
    outbound: (callId: string) => key('outbound', callId),
    permissionRequester: (customer: string) => key('permreq', customer),
    media: (callId: string, kind: string) => key('media', callId, kind),
    missedHandled: (customer: string) => key('missed-handled', customer),
    route: (callId: string) => key('route', callId),
    callQueue: (callId: string) => key('call-queue', callId),
    activeCalls: key('active-calls'),
    accepted: (callId: string) => key('accepted', callId),
    preAccepted: (callId: string) => key('pre-accepted', callId),
    turnedAway: (callId: string) => key('turned-away', callId),
    routesDue: key('routes-due'),
    /** Calls of a queue picking an agent right now, by when their caller began waiting, and until when each counts. */
    picking: (queueId: string) => key('picking', queueId),
    pickingUntil: (queueId: string) => key('picking-until', queueId),
    colleagueRingsDue: key('colleague-rings-due'),
    botTurnsDue: key('bot-turns-due'),
    lastAgent: (customer: string) => key('last-agent', customer),
    wrappedUp: (callId: string, agentId: string) => key('wrapped-up', callId, agentId),
  };
}
export type RelayKeys = ReturnType<typeof relayKeys>;

/** How long call records, claims and de-duplication marks live in Redis. */
export const CLAIM_MS = 6 * 3600_000;
export const EVENT_MEMORY_S = 1800;
/** How long the relay remembers that an agent wrote a call up (a second outcome for it is refused meanwhile). */
export const WRAP_UP_MEMORY_S = 7 * 24 * 3600;
