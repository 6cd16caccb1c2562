import type { Redis } from 'ioredis';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { JanusAccess } from './janusAccess';
import { claimJanusSession, type ClaimedJanusSession } from './janusSessionClaim';

/** An entry this code wrote ([instance, url, session id]); anything else in the hash is left alone. */
function parseField(raw: string): [string, string, number] | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /^wss?:\/\//.test(value[1]) &&
      Number.isSafeInteger(value[2])
    )
      return [value[0], value[1], value[2] as number];
  } catch {
    // not ours
  }
  return undefined;
}

/** A relay instance that has not said it is alive for this long is taken for dead. */
const ALIVE_MS = 4000;
const BEAT_MS = 1000;

/**
 * Keeps anchored calls up when a relay instance dies. Every instance writes its Janus sessions into Redis and says it
 * is alive every second; when an instance stops saying so, one of the others claims each of its sessions (Janus
 * holds them for its `reclaim_session_timeout`) and keeps them alive until the calls that were on that Janus then are
 * over. Media never went through the relay, so callers and agents hear nothing of it.
 */
export function createJanusSessionKeeper(deps: {
  redis: Redis;
  prefix: string;
  instance: string;
  access: JanusAccess;
  log: Logger;
  /** Calls whose room is on this Janus now. */
  callsOn(url: string): Promise<string[]>;
  /** Whether the call still has its room. */
  stillPlaced(callId: string): Promise<boolean>;
  /** A dead instance's session was claimed here: its legs may be driven through `claim` from now on. */
  onAdopted?(adopted: { from: string; url: string; sessionId: number; claim: ClaimedJanusSession }): Promise<void>;
}) {
  const { redis, prefix, instance, log } = deps;
  const sessionsKey = `${prefix}:janus-sessions`;
  const aliveKey = (of: string) => `${prefix}:relay-alive:${of}`;
  const field = (of: string, url: string, sessionId: number) => JSON.stringify([of, url, sessionId]);
  const adopted = new Map<string, { claim: ClaimedJanusSession; calls: string[] }>();
  let busy = false;
  let stopped = false;

  async function beat(): Promise<void> {
    await redis.set(aliveKey(instance), '1', 'PX', ALIVE_MS);
    for (const raw of await redis.hkeys(sessionsKey)) {
      const entry = parseField(raw);
      if (!entry) continue;
      const [of, url, sessionId] = entry;
      if (of === instance || (await redis.exists(aliveKey(of))) === 1) continue;
      if ((await redis.set(`${prefix}:janus-adopt:${raw}`, instance, 'PX', 60_000, 'NX')) !== 'OK') continue;
      const calls = await deps.callsOn(url);
      try {
        const claim = await claimJanusSession(url, deps.access, sessionId);
        const mine = field(instance, url, sessionId);
        adopted.set(mine, { claim, calls });
        // Registered as this instance's now, so it is claimed again should this one die too.
        await redis.multi().hdel(sessionsKey, raw).hset(sessionsKey, mine, '1').exec();
        log.warn('took over a dead relay instance’s media server session; its calls go on', {
          from: of,
          url,
          calls: calls.length,
        });
        await deps
          .onAdopted?.({ from: of, url, sessionId, claim })
          .catch((error: unknown) => log.error('a dead instance’s legs not taken over', { error: errorText(error) }));
      } catch (error) {
        // Janus has already let it go (or is gone itself): nothing to keep; its calls are ended elsewhere.
        await redis.hdel(sessionsKey, raw);
        log.warn('a dead relay instance’s media server session could not be claimed', {
          from: of,
          url,
          error: errorText(error),
        });
      }
    }
    for (const [mine, entry] of adopted) {
      const live = await Promise.all(entry.calls.map((callId) => deps.stillPlaced(callId)));
      if (live.some(Boolean)) continue;
      adopted.delete(mine);
      await redis.hdel(sessionsKey, mine);
      await entry.claim.release();
    }
  }

  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    beat()
      .catch((error: unknown) => log.warn('media server sessions not looked after', { error: errorText(error) }))
      .finally(() => (busy = false));
  }, BEAT_MS);
  void redis.set(aliveKey(instance), '1', 'PX', ALIVE_MS).catch(() => undefined);

  return {
    async register(url: string, sessionId: number): Promise<void> {
      await redis.hset(sessionsKey, field(instance, url, sessionId), '1');
    },
    async unregister(url: string, sessionId: number): Promise<void> {
      await redis.hdel(sessionsKey, field(instance, url, sessionId));
    },
    /**
     * This instance stops. Sessions it still has calls on stay registered and the others are told at once that it
     * is gone, so one of them claims those sessions and the calls go on (a rolling restart drops no call).
     */
    async close(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await redis.del(aliveKey(instance)).catch(() => undefined);
      for (const [mine, entry] of adopted) {
        if ((await Promise.all(entry.calls.map((c) => deps.stillPlaced(c)))).some(Boolean)) {
          entry.claim.abandon();
          continue;
        }
        await redis.hdel(sessionsKey, mine).catch(() => undefined);
        await entry.claim.release();
      }
      adopted.clear();
    },
  };
}
