/** How many parts an instance's heartbeat is cut into, each renewing its share of the desks in turn. */
export const HEARTBEAT_SLICES = 20;

/**
 * Which slice of the heartbeat renews this agent: the same one for as long as they stay connected, spread evenly
 * over many agents. Renewing every desk of an instance at once put ~1,000 Redis commands in one burst every 5 s at
 * 250 desks, and a call arriving in that burst waited behind it (the floor bench's tail).
 */
export function heartbeatSlice(agentId: string, slices = HEARTBEAT_SLICES): number {
  let hash = 0;
  for (let i = 0; i < agentId.length; i += 1) hash = (Math.imul(hash, 31) + agentId.charCodeAt(i)) | 0;
  return (hash >>> 0) % slices;
}
