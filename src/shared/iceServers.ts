import { z } from 'zod';

/**
 * One STUN or TURN server as RTCPeerConnection takes it. A TURN server carries a username and credential: from the
 * team relay they are time-limited (the TURN REST convention), so they are handed to signed-in desks only.
 */
export const IceServer = z.object({
  urls: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(16)]),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const IceServers = z.array(IceServer).max(16);

/** Whether the page may offer only relay candidates (`relay`: every call's audio goes through TURN) or any. */
export const IceTransportPolicy = z.enum(['all', 'relay']);
export type IceTransportPolicy = z.infer<typeof IceTransportPolicy>;
