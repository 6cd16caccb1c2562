/** How far a request body has come. */
export interface BodyProgress {
  readonly startedMs: number;
  /** Content-Length, or the size limit when none was given. */
  readonly declared: number;
  received: number;
}

/** One request body being buffered. */
export interface BodySlot extends BodyProgress {
  readonly client: string;
}

export interface BodySlotLimits {
  /** Bodies buffered at once, from everyone. */
  total: number;
  /** Bodies buffered at once from one client, so one source cannot take every slot. */
  perClient: number;
  /** A real sender's slowest pace; a body behind it gives up its slot to a new one when slots are full. */
  minBytesPerSec: number;
}

// A body this young is not judged yet: its first bytes may still be on the way.
const JUDGED_AFTER_MS = 50;

/**
 * Bytes per second since the body started, when it is behind `minBytesPerSec`; undefined when it keeps up or is
 * younger than `judgedAfterMs`.
 */
export function paceIfBehind(
  body: BodyProgress,
  minBytesPerSec: number,
  { nowMs = Date.now(), judgedAfterMs = JUDGED_AFTER_MS } = {},
): number | undefined {
  const ageMs = nowMs - body.startedMs;
  if (ageMs < judgedAfterMs || ageMs <= 0) return undefined;
  const expected = Math.min(body.declared, (minBytesPerSec * ageMs) / 1000);
  return body.received < expected ? (body.received * 1000) / ageMs : undefined;
}

/**
 * Bounded slots for request bodies. When a client's share or the whole is taken, the body furthest behind a real
 * sender's pace is cut to make room (Meta's deliveries arrive whole at once, a trickle never keeps up), and only when
 * every body in the way keeps pace is the newcomer refused.
 */
export function createBodySlots(limits: BodySlotLimits) {
  const slots = new Map<BodySlot, () => void>();

  function slowestBehind(candidates: BodySlot[]): BodySlot | undefined {
    const nowMs = Date.now();
    let slowest: { slot: BodySlot; pace: number } | undefined;
    for (const slot of candidates) {
      const pace = paceIfBehind(slot, limits.minBytesPerSec, { nowMs });
      if (pace !== undefined && (!slowest || pace < slowest.pace)) slowest = { slot, pace };
    }
    return slowest?.slot;
  }

  /** The slots a new body from `client` would exceed, if any. */
  function crowded(client: string): BodySlot[] | undefined {
    const own = [...slots.keys()].filter((slot) => slot.client === client);
    if (own.length >= limits.perClient) return own;
    return slots.size >= limits.total ? [...slots.keys()] : undefined;
  }

  return {
    /** A slot for a body, or undefined when none can be had; `cut` is called if the slot is later taken back. */
    take(body: Omit<BodySlot, 'received'>, cut: () => void): BodySlot | undefined {
      const { client } = body;
      const full = crowded(client);
      if (full) {
        const victim = slowestBehind(full);
        if (!victim) return undefined;
        const cutVictim = slots.get(victim)!;
        slots.delete(victim);
        cutVictim();
      }
      const slot: BodySlot = { ...body, received: 0 };
      slots.set(slot, cut);
      return slot;
    },
    release(slot: BodySlot): void {
      slots.delete(slot);
    },
  };
}
