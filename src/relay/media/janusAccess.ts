import { createHmac, randomInt } from 'node:crypto';

/**
 * What the relays hold and nobody else does: Janus's API secret (every request to Janus carries it, so a stranger
 * reaching the port gets no session) and AudioBridge's admin key (creating rooms, playing files). Every relay
 * instance of a deployment holds the same pair, and so can manage any call's room.
 */
export interface JanusAccess {
  apiSecret: string;
  adminKey: string;
}

/**
 * A room's secret (to record, play into, destroy, kick) and pin (to join or move into it), derived from the admin
 * key so every relay instance knows them without storing them, and no two rooms share them.
 */
export function roomKeys(access: JanusAccess, room: number): { secret: string; pin: string } {
  const derive = (use: string) => createHmac('sha256', access.adminKey).update(`${use}:${room}`).digest('base64url');
  return { secret: derive('room-secret'), pin: derive('room-pin') };
}

/** A room number nobody can guess or walk through (Janus takes 64-bit ids; JSON keeps integers to 2^53). */
export function unguessableRoom(): number {
  return randomInt(1, 2 ** 47) * 64 + randomInt(0, 64);
}
