import Janode from 'janode';
import type { AudioBridgeHandle } from 'janode/plugins/audiobridge';
import type { Redis } from 'ioredis';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import { CLAIM_MS } from '../relayKeys';
import { roomKeys, unguessableRoom, type JanusAccess } from './janusAccess';
import { connectJanusAnchor, roomRateFor, type AnchorLeg, type JanusAnchor, type RoomRate } from './janusAnchor';
import { createJanusRegistry } from './janusRegistry';
import { createJanusSessionKeeper } from './janusSessionKeeper';
import { createAdoptedLegs, deskLegKind } from './adoptedLegs';

type ReadyCustomer = Awaited<ReturnType<JanusAnchor['prepareCustomer']>>;
type LeavingWatch = ReturnType<JanusAnchor['watchLeaving']>;

/** How long a call's whisper and listeners are kept in Redis at most (a call longer than a day is not expected). */
const DAY_S = 24 * 3600;
/** How long legs kicked from a call's room may take to leave it (Janus: under 1 s) before it is logged. */
const KICKED_GONE_MS = 1500;
/** How long to wait for Janus's word that kicked legs left before the room is listed instead. */
const KICKED_LOOK_MS = 250;
/** How often a Janus that went away is tried again. */
const RECONNECT_MS = 2000;

/** True once the handle's WebRTC media is up (ICE and DTLS done), false after `ms`. */
function webrtcUp(handle: AudioBridgeHandle, ms: number): Promise<boolean> {
  return watchWebrtcUp(handle)(ms);
}

/**
 * Watches a leg's media from now on; the returned function waits at most `ms` more for it to be up (at once if it
 * already is). Lets the deadline start later than the watch: a bot's media is given its time after its answer.
 */
function watchWebrtcUp(handle: AudioBridgeHandle): (ms: number) => Promise<boolean> {
  let isUp = false;
  const waiting: Array<() => void> = [];
  handle.once(Janode.EVENT.HANDLE_WEBRTCUP, () => {
    isUp = true;
    for (const wake of waiting.splice(0)) wake();
  });
  return (ms) =>
    isUp
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          timer.unref();
          waiting.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });
}

/** Where a call's room is: which Janus, the room's number there, and the rate it mixes at (absent: 16 kHz). */
interface RoomPlace {
  url: string;
  room: number;
  rate?: RoomRate;
}

/**
 * Calls whose media is anchored on Janus, as this relay instance takes part in them: every instance connects to every
 * Janus; a call's room (on the least loaded Janus, counted in Redis) is opened by the instance that took the call;
 * each desk's leg lives on the instance the desk is connected to, and the customer's leg on the instance whose agent
 * answered.
 */
export async function createAnchoredCalls(deps: {
  urls: string[];
  /** The API secret and admin key every Janus of the team was configured with (RELAY_JANUS_API_SECRET, …). */
  access: JanusAccess;
  redis: Redis;
  prefix: string;
  /** This relay instance, so another can claim its Janus sessions should it die. */
  instance: string;
  log: Logger;
  /**
   * Recording of the rooms (RELAY_JANUS_RECORDING_DIR, RELAY_JANUS_CONSENT_NOTICE): Janus writes each call's mix as a
   * WAV into `dir` after playing the consent notice to the customer; `onRecording` hears the file's name.
   */
  recording?: { dir: string; consentNotice: string; onRecording(callId: string, file: string): void };
  /** Hold music for customers waiting in a hold room: an Ogg Opus file on the Janus machines (RELAY_JANUS_HOLD_MUSIC). */
  holdMusicFile?: string;
  /** A media server went away: its calls have no audio any more and must be ended (once across instances). */
  onCallLost?: (callId: string) => Promise<void>;
}) {
  const { redis, log } = deps;
  const placeKey = (callId: string) => `${deps.prefix}:anchor:${callId}`;
  const loadKey = `${deps.prefix}:janus-load`;
  const anchors = new Map<string, JanusAnchor>();
  /** Janus instances let go on purpose (removed from the registry), not lost. */
  const released = new Set<string>();
  let closing = false;
  /** The customer's and bots' legs of calls whose relay instance died, driven from here now. */
  const adoptedLegs = createAdoptedLegs({ redis, prefix: deps.prefix, instance: deps.instance, log });
  /** Hears of each call whose bot's leg this instance took over from a dead one (set by the bots, if any). */
  let botAdopted: ((callId: string) => void) | undefined;
  const keeper = createJanusSessionKeeper({
    redis,
    prefix: deps.prefix,
    instance: deps.instance,
    access: deps.access,
    log,
    callsOn: async (url) => [...(await placesOn(url)).keys()],
    stillPlaced: async (callId) => (await redis.exists(placeKey(callId))) === 1,
    async onAdopted(session) {
      const taken = await adoptedLegs.adopt(session, [...(await placesOn(session.url)).keys()]);
      for (const [callId, kinds] of taken) {
        log.warn('took over the legs of a call whose relay instance died', { callId, legs: kinds });
        if (kinds.includes('assistant')) botAdopted?.(callId);
      }
    },
  });

  /** Calls whose room is on this Janus, by their place key. */
  async function placesOn(url: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', placeKey('*'), 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        if (key.endsWith(':lost')) continue;
        const raw = await redis.get(key);
        if (raw && (JSON.parse(raw) as RoomPlace).url === url) found.set(key.slice(placeKey('').length), key);
      }
    } while (cursor !== '0');
    return found;
  }
  /** Connects to one Janus; a lost connection ends its calls and is tried again until Janus is back. */
  async function connect(url: string, quiet = false): Promise<void> {
    try {
      const anchor = await connectJanusAnchor(url, deps.access, (error) => {
        if (released.delete(url)) return;
        // Closing, the session was left registered on purpose: another instance claims it and its calls go on.
        if (closing) return;
        anchors.delete(url);
        void keeper.unregister(url, anchor.sessionId).catch(() => undefined);
        log.error('Janus connection lost: its calls are ended', { url, error: error && errorText(error) });
        endCallsOn(url).catch((failure: unknown) =>
          log.error('calls on a lost media server not all ended', { url, error: errorText(failure) }),
        );
      });
      if (closing) return void (await anchor.close());
      anchors.set(url, anchor);
      await keeper.register(url, anchor.sessionId);
      if (quiet) log.info('Janus reached: new calls may use it', { url });
    } catch (error) {
      if (!quiet) log.error('Janus not reached; calls go to the others', { url, error: errorText(error) });
    }
  }
  // The team's Janus instances are those registered in Redis; this relay's own addresses are registered if absent.
  const forged = new Set<string>();
  const registry = createJanusRegistry(redis, deps.prefix, deps.access.adminKey, (url) => {
    if (forged.has(url)) return;
    forged.add(url);
    log.error('a Janus address in Redis is not signed with the admin key: never connected to (is Redis open?)', {
      url,
    });
  });
  for (const url of deps.urls) await registry.ensure(url);
  let registered = await registry.list();
  await Promise.all([...registered.keys()].map((url) => connect(url)));
  async function followRegistry(): Promise<void> {
    registered = await registry.list();
    await Promise.all([...registered.keys()].filter((url) => !anchors.has(url)).map((url) => connect(url, true)));
    for (const [url, anchor] of anchors) {
      if (registered.has(url) || (await placesOn(url)).size > 0) continue;
      released.add(url);
      anchors.delete(url);
      await keeper.unregister(url, anchor.sessionId);
      await anchor.close();
      log.info('Janus removed from the team: no longer used', { url });
    }
  }
  let reconnecting = false;
  const reconnect = setInterval(() => {
    if (reconnecting || closing) return;
    reconnecting = true;
    followRegistry()
      .catch((error: unknown) => log.warn('Janus registrations not read', { error: errorText(error) }))
      .finally(() => (reconnecting = false));
  }, RECONNECT_MS);

  /**
   * Desks' legs waiting for an answer or in a call (`noted` in Redis once answered), per call; `early`: the leg's
   * media started while the desk rang (`connectRingingDesk`), its leg once Janus took the desk's answer; `lobby`: the
   * room of its own a colleague's leg waits in while it rings (`offerForDesk`); `joining`: Answer is letting it into
   * the call, so an early answer coming later is not given to Janus a second time.
   */
  const deskLegs = new Map<
    string,
    Map<
      string,
      {
        handle: AudioBridgeHandle;
        leg?: AnchorLeg;
        early?: Promise<AnchorLeg | undefined>;
        lobby?: number;
        joining?: boolean;
        up: Promise<boolean>;
        noted?: boolean;
      }
    >
  >();
  /** The queue's bot as a party of the call (on the instance that answered the call for it). */
  const botLegs = new Map<string, { handle: AudioBridgeHandle; leg?: AnchorLeg }>();
  const customerLegs = new Map<string, { leg: AnchorLeg; answer: string; connected: Promise<boolean> }>();
  /** The customer's leg joined on Answer, its answer on its way to WhatsApp, until pre_accept's 200 starts it. */
  const readyCustomers = new Map<string, ReadyCustomer>();
  function dropReadyCustomer(callId: string): void {
    const ready = readyCustomers.get(callId);
    readyCustomers.delete(callId);
    void ready?.drop();
  }
  /** Hold rooms of calls whose customer is waiting in one, on this instance (which has the customer's leg). */
  const holdRooms = new Map<string, number>();
  /** Supervisors listening in on a call from this instance's board, and what to tell each when their leg goes. */
  const listenerLegs = new Map<
    string,
    Map<string, { handle: AudioBridgeHandle; leg?: AnchorLeg; heard?: boolean; onEnd: (reason: string) => void }>
  >();
  /** The whisper on a call, if any (its three legs are all on this instance): who whispers to whom, how it ends. */
  const whispers = new Map<
    string,
    { listenerId: string; agentId: string; end(): Promise<void>; onEnded: () => void }
  >();
  /** Who whispers on a call, and which supervisors' lines are in it, on every instance (each line's own is local). */
  const whisperKey = (callId: string) => `${deps.prefix}:whisper:${callId}`;
  const listenersKey = (callId: string) => `${deps.prefix}:listeners:${callId}`;
  /** The rooms of its own each ringing colleague's leg waits in, on every instance: the call's end closes any left. */
  const lobbiesKey = (callId: string) => `${deps.prefix}:lobbies:${callId}`;
  /** Whisper switches of one call run one after another, so two quick clicks never split the call twice. */
  const whisperTurns = new Map<string, Promise<unknown>>();
  function inTurn<T>(callId: string, step: () => Promise<T>): Promise<T> {
    const next = (whisperTurns.get(callId) ?? Promise.resolve()).catch(() => undefined).then(step);
    whisperTurns.set(callId, next);
    void next.finally(() => whisperTurns.get(callId) === next && whisperTurns.delete(callId)).catch(() => undefined);
    return next;
  }
  /**
   * The call changed under a whisper (a hold, a colleague's leg, the agent leaving, the call ending): every leg goes
   * back into the call's room, the supervisor silent again, and the supervisor's page is told.
   */
  async function endWhisper(callId: string, tell = true): Promise<void> {
    const whisper = whispers.get(callId);
    if (!whisper) return;
    whispers.delete(callId);
    await redis.del(whisperKey(callId)).catch(() => 0);
    await whisper.end();
    await listenerLegs
      .get(callId)
      ?.get(whisper.listenerId)
      ?.leg?.mute(true)
      .catch(() => undefined);
    if (tell) whisper.onEnded();
  }
  const whisperOver = (callId: string, tell = true) =>
    whispers.has(callId) || whisperTurns.has(callId)
      ? inTurn(callId, () => endWhisper(callId, tell))
      : Promise.resolve();

  /** Every call whose room was on this Janus is ended, by whichever instance marks it first. */
  async function endCallsOn(url: string): Promise<void> {
    for (const [callId, key] of await placesOn(url)) {
      if ((await redis.set(`${key}:lost`, '1', 'EX', 600, 'NX')) !== 'OK') continue;
      await redis.del(key);
      deskLegs.delete(callId);
      customerLegs.delete(callId);
      readyCustomers.delete(callId);
      whispers.delete(callId);
      endListeners(callId, 'The team’s media server stopped, so the call was ended.');
      await deps
        .onCallLost?.(callId)
        .catch((error: unknown) =>
          log.error('call on a lost media server not ended', { callId, error: errorText(error) }),
        );
    }
    await redis.hdel(loadKey, url);
  }

  /** Once the customer's leg is up (so they hear it whole), the consent notice plays and the recording starts. */
  function startRecording(callId: string, where: RoomPlace & { anchor: JanusAnchor }, connected: Promise<boolean>) {
    const { dir, consentNotice, onRecording } = deps.recording!;
    const file = `${callId.replace(/[^\w.-]/g, '_').slice(0, 120)}-${Date.now()}.wav`;
    void connected
      .then(async (up) => {
        if (!up || !(await redis.exists(placeKey(callId)))) return;
        await where.anchor.recordRoom(where.room, dir, file, consentNotice);
        onRecording(callId, file);
        log.info('call recorded on the media server after the consent notice', { callId, file });
      })
      .catch((error: unknown) => log.error('call recording not started', { callId, error: errorText(error) }));
  }

  function endListeners(callId: string, reason: string): void {
    const listeners = listenerLegs.get(callId);
    listenerLegs.delete(callId);
    for (const entry of listeners?.values() ?? []) {
      entry.onEnd(reason);
      void (entry.leg ? entry.leg.leave() : entry.handle.detach().catch(() => undefined));
    }
  }

  /** The customer's leg is noted in Redis, so another instance can move it should this one die. */
  async function noteCustomer(callId: string, where: RoomPlace & { anchor: JanusAnchor }, leg: AnchorLeg) {
    await adoptedLegs.note(callId, 'customer', {
      url: where.url,
      sessionId: where.anchor.sessionId,
      handle: leg.handleId,
    });
  }

  /**
   * Resolves once legs kicked from the call's room are out of it: Janus 1.1.2 closes a kicked leg's connection on its
   * sessions' next whole-second timer (0-1 s after the kick) and mixes the room for it until then; their own instances
   * usually let them go sooner (call_taken). Janus says `leaving` to the answering desk's leg as each goes; the room is
   * listed only when no word came for KICKED_LOOK_MS. Legs still listed after KICKED_GONE_MS (a desk's leg that never
   * had media, whose instance went away) are logged: such a leg can get media no more (callRequests.ringing_leg).
   */
  async function kickedLeft(
    callId: string,
    where: RoomPlace & { anchor: JanusAnchor },
    kicked: number[],
    leaving: LeavingWatch,
  ) {
    const startedAt = Date.now();
    try {
      for (;;) {
        if (kicked.every((feed) => leaving.has(feed))) return;
        if (!(await leaving.next(KICKED_LOOK_MS))) {
          const listed = await where.anchor.participantsOf(where.room);
          const left = kicked.filter((feed) => listed.includes(feed) && !leaving.has(feed));
          if (left.length === 0) return;
          if (Date.now() - startedAt > KICKED_GONE_MS)
            return log.warn('desks’ legs kicked from a call’s room are still in it', { callId, legs: left.length });
        }
      }
    } finally {
      leaving.stop();
    }
  }
  /**
   * A desk's leg waiting in a room of its own moves into the call's room at `volume` (100 unless told), its media up or
   * still starting, and its own room goes. Moved by changeroom, it hears and is heard there as a leg joined there
   * would (movedLegOnHold.test: a held customer hears nothing of it).
   */
  async function intoCallRoom(
    callId: string,
    entry: { handle: AudioBridgeHandle; lobby?: number },
    where: RoomPlace & { anchor: JanusAnchor },
    volume?: number,
  ): Promise<void> {
    const lobby = entry.lobby;
    if (lobby === undefined) return;
    entry.lobby = undefined;
    await where.anchor.moveLeg(entry.handle, where.room, volume);
    void closeLobby(callId, where.anchor, lobby);
  }
  async function closeLobby(callId: string, anchor: JanusAnchor, lobby: number): Promise<void> {
    await anchor.closeRoom(lobby);
    await redis.srem(lobbiesKey(callId), String(lobby)).catch(() => 0);
  }
  /** Calls whose room still holds kicked legs: nobody is heard in the room (customer, answering desk) until they left. */
  const roomsClearing = new Map<string, Promise<void>>();

  async function place(callId: string): Promise<(RoomPlace & { anchor: JanusAnchor }) | undefined> {
    const raw = await redis.get(placeKey(callId));
    if (!raw) return undefined;
    const found = JSON.parse(raw) as RoomPlace;
    const anchor = anchors.get(found.url);
    return anchor ? { ...found, anchor } : undefined;
  }

  return {
    /**
     * Opens the call's room on the least loaded Janus this instance reaches, at the rate WhatsApp's offer calls for
     * (8 kHz for a customer on G.711); false when none is reachable.
     */
    async open(callId: string, whatsappOffer = ''): Promise<boolean> {
      const loads = await redis.hgetall(loadKey);
      const [url] = [...anchors.keys()]
        .filter((candidate) => registered.get(candidate)?.state === 'active')
        .sort((a, b) => Number(loads[a] ?? 0) - Number(loads[b] ?? 0));
      if (!url) return false;
      const room = unguessableRoom();
      const rate = roomRateFor(whatsappOffer);
      await anchors.get(url)!.openRoom(room, rate);
      await redis
        .multi()
        .set(placeKey(callId), JSON.stringify({ url, room, rate } satisfies RoomPlace), 'PX', CLAIM_MS)
        .hincrby(loadKey, url, 1)
        .exec();
      return true;
    },
    isAnchored: async (callId: string): Promise<boolean> => (await redis.exists(placeKey(callId))) === 1,
    /**
     * Janus's offer for one desk's leg, which the desk answers as it would WhatsApp's offer. The leg joins at volume 0:
     * the desk sends its voice from the Answer click, Janus decodes it and mixes nothing of it until the call is
     * accepted (`deskHeard`; Meta: media after accept's 200) or, for a call accepted already, the desk's answer. Not
     * `muted`: Janus drops a muted leg's packets, and the caller's first loud frame came 122-141 ms after unmuting,
     * against 61-114 ms after the volume went up (deskHeardAfterAccept.test).
     */
    async offerForDesk(callId: string, agentId: string, apart = false): Promise<string> {
      await whisperOver(callId);
      const where = await place(callId);
      if (!where) throw new Error('the call’s media server is not reachable from this relay instance');
      // A colleague rung for a call already live (a transfer, a conference, a bot's call: `apart`, or the customer's
      // leg in the room) waits in a room of its own, where its media may come up while it rings (ringing_leg),
      // hearing nobody and heard by nobody; Answer moves it into the call's room.
      const lobby = apart || (await where.anchor.holdsCallParty(where.room)) ? unguessableRoom() : undefined;
      if (lobby !== undefined) {
        await redis.multi().sadd(lobbiesKey(callId), String(lobby)).expire(lobbiesKey(callId), DAY_S).exec();
        await where.anchor.openRoom(lobby, where.rate ?? 16000);
      }
      const offered = await where.anchor.offerLeg(lobby ?? where.room, agentId, false, 0).catch(async (error) => {
        if (lobby !== undefined) await closeLobby(callId, where.anchor, lobby);
        throw error;
      });
      const { handle, offer } = offered;
      // Set before anything is awaited: the desks a call rings at once each add their leg to the same map.
      const legs = deskLegs.get(callId) ?? new Map();
      deskLegs.set(callId, legs);
      const previous = legs.get(agentId);
      legs.set(agentId, { handle, lobby, up: webrtcUp(handle, 60_000) });
      await previous?.handle.detach().catch(() => undefined);
      if (previous?.lobby !== undefined) await closeLobby(callId, where.anchor, previous.lobby);
      return offer;
    },
    /** Whether this desk's leg waits in a room of its own (nobody hears it, it hears nobody) while it rings. */
    deskLegApart: (callId: string, agentId: string): boolean => deskLegs.get(callId)?.get(agentId)?.lobby !== undefined,
    /**
     * A ringing desk's answer to its leg's offer, before Answer: the leg's media comes up, so Answer finds it up. In a
     * room of its own (`deskLegApart`) it hears and is heard by nobody; otherwise only on a fresh call
     * (callRequests.ringing_leg checks it is unanswered), at volume 0 in the call's room, where nobody else is heard
     * yet, and `answer` removes every other leg from the room before the customer's joins.
     */
    async connectRingingDesk(callId: string, agentId: string, deskAnswer: string): Promise<void> {
      const entry = deskLegs.get(callId)?.get(agentId);
      const where = await place(callId);
      if (!entry || entry.leg || entry.early || entry.joining || !where) return;
      entry.early = where.anchor.answerLeg(entry.handle, deskAnswer).catch((error: unknown) => {
        log.warn('a ringing desk’s leg did not start early; it starts on Answer', { callId, error: errorText(error) });
        return undefined;
      });
      await entry.early;
    },
    /** Whether this desk's leg (on this instance) has its media up, waiting at most until it is known. */
    deskLegUp: async (callId: string, agentId: string): Promise<boolean> =>
      (await deskLegs.get(callId)?.get(agentId)?.up) ?? false,
    /**
     * The customer's leg joins with WhatsApp's offer before any desk does (a bot answers first); returns the
     * business's answer for pre_accept and accept.
     */
    async answerCustomer(callId: string, whatsappOffer: string): Promise<string> {
      const where = await place(callId);
      if (!where) throw new Error('the call’s media server is not reachable from this relay instance');
      const known = customerLegs.get(callId);
      if (known) return known.answer;
      const customer = await where.anchor.joinCustomer(where.room, whatsappOffer);
      customerLegs.set(callId, customer);
      await noteCustomer(callId, where, customer.leg);
      if (deps.recording) startRecording(callId, where, customer.connected);
      return customer.answer;
    },
    /**
     * The bot joins the room: Janus offers its leg, `ask` gets the bot's answer (over HTTP, within the bot's own
     * answer time), and the returned promise says whether its media came up within `upMs` of that answer. `onGone` hears of a leg that Janus hung up (the bot went away)
     * while it was still the call's bot.
     */
    async connectBot(
      callId: string,
      ask: (offer: string) => Promise<string>,
      upMs: number,
      onGone?: () => void,
    ): Promise<boolean> {
      await whisperOver(callId);
      const where = await place(callId);
      if (!where) throw new Error('the call’s media server is not reachable from this relay instance');
      const { handle, offer } = await where.anchor.offerLeg(where.room, 'assistant');
      const upWithin = watchWebrtcUp(handle);
      botLegs.set(callId, { handle });
      await adoptedLegs.note(callId, 'assistant', {
        url: where.url,
        sessionId: where.anchor.sessionId,
        handle: handle.id,
      });
      handle.once(Janode.EVENT.HANDLE_HANGUP, () => {
        if (botLegs.get(callId)?.handle !== handle) return;
        void this.dropBot(callId).finally(() => onGone?.());
      });
      try {
        const answer = await ask(offer);
        const leg = await where.anchor.answerLeg(handle, answer, 'bot');
        if (botLegs.get(callId)?.handle === handle) botLegs.set(callId, { handle, leg });
        else await leg.leave();
      } catch (error) {
        await this.dropBot(callId);
        throw error;
      }
      return upWithin(upMs);
    },
    /** Whether the call's bot's leg is on this instance (joined here, or taken over from an instance that died). */
    hasBot: (callId: string) => botLegs.has(callId) || adoptedLegs.has(callId, 'assistant'),
    /** Whether the customer's leg of this call is on this instance (joined here, or taken over). */
    hasCustomer: (callId: string) => customerLegs.has(callId) || adoptedLegs.has(callId, 'customer'),
    /** The bot goes quiet in the room (it handed the call over and waits for the agent's leg). */
    async muteBot(callId: string): Promise<void> {
      if (botLegs.has(callId)) await botLegs.get(callId)?.leg?.mute(true);
      else await adoptedLegs.muteBot(callId);
    },
    async dropBot(callId: string): Promise<void> {
      const entry = botLegs.get(callId);
      if (!entry) {
        await adoptedLegs.drop(callId, 'assistant');
        return;
      }
      botLegs.delete(callId);
      await adoptedLegs.forget(callId, 'assistant');
      await (entry.leg ? entry.leg.leave() : entry.handle.detach().catch(() => undefined));
    },
    /** `handler` hears of each call whose bot's leg this instance took over from an instance that died. */
    onBotAdopted(handler: (callId: string) => void): void {
      botAdopted = handler;
    },
    /** Whether the bot's leg taken over from a dead instance is still in the call's room. */
    async adoptedBotInRoom(callId: string): Promise<boolean> {
      const where = await place(callId);
      if (!where) return false;
      return adoptedLegs.inRoom(callId, 'assistant', {
        room: where.room,
        secret: roomKeys(deps.access, where.room).secret,
      });
    },
    /** The customer's leg taken over from a dead instance goes: WhatsApp never got its answer. */
    dropAdoptedCustomer: async (callId: string) => void (await adoptedLegs.drop(callId, 'customer')),
    /** `gone` runs once if the bot's leg taken over from a dead instance hangs up (the bot went away). */
    watchAdoptedBot: (callId: string, gone: () => void) => adoptedLegs.onHangup(callId, 'assistant', gone),
    hasDeskLeg: (callId: string, agentId: string) => deskLegs.get(callId)?.has(agentId) ?? false,
    /**
     * The answering desk's SDP goes to its leg, and the customer's leg joins with WhatsApp's offer; returns the
     * business's answer for pre_accept and accept.
     */
    async answer(callId: string, agentId: string, deskAnswer: string, whatsappOffer: string): Promise<string> {
      const entry = deskLegs.get(callId)?.get(agentId);
      const where = await place(callId);
      if (!entry || !where) throw new Error('this desk has no leg in the call’s room');
      if (entry.lobby !== undefined) {
        // Rung apart (a customer's leg was in the room): into the call's room unheard, as a leg rung there would be.
        entry.joining = true;
        await entry.early;
        await intoCallRoom(callId, entry, where, 0);
      }
      // Noted meanwhile: should this instance die before accept, the one taking its session over can turn it up.
      entry.noted = true;
      const noted = adoptedLegs
        .note(callId, deskLegKind(agentId), {
          url: where.url,
          sessionId: where.anchor.sessionId,
          handle: entry.handle.id,
        })
        .catch((error: unknown) => log.warn('desk’s leg not noted', { callId, agentId, error: errorText(error) }));
      const known = customerLegs.get(callId);
      // Ringing desks' legs (on any instance) may be up in the room: before the customer's leg joins, every leg but
      // this desk's (and a customer's leg a refused pre_accept left ready) is kicked, and the customer is heard in the
      // room only once they are out of it, so no other desk ever gets a sound of the customer.
      const readyBefore = readyCustomers.get(callId);
      if (typeof entry.handle.feed !== 'number') throw new Error('this desk’s leg has no place in the call’s room');
      const keep = [entry.handle.feed, readyBefore?.feed].filter((feed): feed is number => typeof feed === 'number');
      // Watched from before the kick, so no leg's going is missed.
      const leaving = known ? undefined : where.anchor.watchLeaving(entry.handle, where.room);
      const kicking = known ? Promise.resolve([]) : where.anchor.kickAllBut(where.room, keep);
      void kicking.catch(() => leaving?.stop());
      const early = await entry.early;
      entry.leg = early ?? (await where.anchor.answerLeg(entry.handle, deskAnswer));
      await noted;
      const kicked = await kicking;
      // Only kickedLeft, below, waits for legs to go.
      if (known || readyBefore || kicked.length === 0) leaving?.stop();
      if (known) return known.answer;
      // A pre_accept tried before (and refused) left the leg ready: the same answer goes again.
      let ready = readyBefore;
      if (!ready) {
        // Kicked legs Janus still mixes for: the customer joins unheard until they are out of the room.
        ready = await where.anchor.prepareCustomer(where.room, whatsappOffer, kicked.length === 0);
        if (kicked.length > 0) {
          const hear = ready.hear;
          const clearing = kickedLeft(callId, where, kicked, leaving!).catch((error: unknown) =>
            log.warn('kicked legs not seen leaving the call’s room', { callId, error: errorText(error) }),
          );
          roomsClearing.set(callId, clearing);
          void clearing
            .then(() => hear())
            .catch((error: unknown) =>
              log.error('the customer’s leg not turned up after kicking other legs', {
                callId,
                error: errorText(error),
              }),
            )
            .finally(() => roomsClearing.get(callId) === clearing && roomsClearing.delete(callId));
        }
      }
      readyCustomers.set(callId, ready);
      return ready.answer;
    },
    /**
     * WhatsApp has the business's answer (pre_accept's 200): the customer's leg gets WhatsApp's side and Janus starts
     * its ICE toward WhatsApp's edge. Checks sent before the edge has the answer may go unanswered (the simulator's
     * answers none), and Janus tries again only after a back-off: 50 ms on Answer -> heard (BENCHMARKS.md).
     */
    async customerAnswered(callId: string): Promise<void> {
      const where = await place(callId);
      const ready = readyCustomers.get(callId);
      readyCustomers.delete(callId);
      if (!where || !ready || customerLegs.has(callId)) return;
      const customer = { answer: ready.answer, ...(await ready.start()) };
      customerLegs.set(callId, customer);
      await noteCustomer(callId, where, customer.leg);
      if (deps.recording) startRecording(callId, where, customer.connected);
    },
    /**
     * A desk joins a call WhatsApp has accepted already (a transfer, a conference, a bot's call): its leg's media
     * starts, heard at once; the customer's leg is there already.
     */
    async answerDesk(callId: string, agentId: string, deskAnswer: string): Promise<void> {
      const entry = deskLegs.get(callId)?.get(agentId);
      const where = await place(callId);
      if (!entry || !where) throw new Error('this desk has no leg in the call’s room');
      entry.joining = true;
      const early = await entry.early;
      // Out of its own room, heard at once (changeroom's volume); a leg rung in the call's room is turned up.
      if (entry.lobby !== undefined) await intoCallRoom(callId, entry, where);
      else if (early) await early.setVolume(100);
      entry.leg = early ?? (await where.anchor.answerLeg(entry.handle, deskAnswer, 'desk', true));
    },
    /**
     * WhatsApp answered 200 to accept: the answering desk's voice goes into the room. `elsewhere`: its leg is on
     * another instance (the desk reconnected here after pre_accept), noted in Redis for whichever instance has it or
     * takes it over, which the caller must also ask over the bus; `direct`: the call has no leg.
     */
    async deskHeard(callId: string, agentId: string): Promise<'here' | 'elsewhere' | 'direct'> {
      if (await this.hearDeskHere(callId, agentId)) return 'here';
      if (!(await redis.exists(placeKey(callId)))) return 'direct';
      if (!(await adoptedLegs.wantHeard(callId, agentId)))
        log.warn('call accepted but no relay instance noted the desk’s leg: the caller may not hear the agent', {
          callId,
          agentId,
        });
      return 'elsewhere';
    },
    /** The desk's leg goes to full volume if it is on this instance (joined here, or taken over); false if not. */
    async hearDeskHere(callId: string, agentId: string): Promise<boolean> {
      const leg = deskLegs.get(callId)?.get(agentId)?.leg;
      if (leg) {
        // Kicked legs still in the room would hear the agent: only once they are out.
        await roomsClearing.get(callId);
        await leg.setVolume(100);
        return true;
      }
      return adoptedLegs.hearDesk(callId, agentId);
    },
    /** The business's answer already sent in pre_accept: accept carries the same SDP. */
    customerAnswer: (callId: string) => customerLegs.get(callId)?.answer,
    /** A desk's leg leaves (it declined, was passed over, or a colleague won the call). */
    async dropDesk(callId: string, agentId: string): Promise<void> {
      const entry = deskLegs.get(callId)?.get(agentId);
      if (!entry) return void (await adoptedLegs.drop(callId, deskLegKind(agentId)));
      if (entry.noted) await adoptedLegs.forget(callId, deskLegKind(agentId));
      if (whispers.get(callId)?.agentId === agentId) await whisperOver(callId);
      deskLegs.get(callId)!.delete(agentId);
      // No desk here can answer it any more: the customer's leg made ready here goes.
      if (deskLegs.get(callId)!.size === 0) dropReadyCustomer(callId);
      const leg = entry.leg ?? (await entry.early);
      await (leg ? leg.leave() : entry.handle.detach().catch(() => undefined));
      const lobby = entry.lobby;
      const where = lobby === undefined ? undefined : await place(callId);
      if (where && lobby !== undefined) await closeLobby(callId, where.anchor, lobby);
    },
    /** Every desk leg of this call here but the winner's. */
    async dropAllBut(callId: string, winner: string | null): Promise<void> {
      for (const agentId of [...(deskLegs.get(callId)?.keys() ?? [])])
        if (agentId !== winner) await this.dropDesk(callId, agentId);
    },
    /**
     * A supervisor listens in: a leg joined muted (Janus mixes nothing from it into the room, whatever the page
     * sends), whose offer the board answers. `onEnd` hears why it went if the call ends first.
     */
    async offerForListener(callId: string, listenerId: string, onEnd: (reason: string) => void): Promise<string> {
      const where = await place(callId);
      if (!where) throw new Error('the call’s media server is not reachable from this relay instance');
      await this.stopListening(callId, listenerId);
      const { handle, offer } = await where.anchor.offerLeg(where.room, `supervisor:${listenerId}`, true);
      const listeners = listenerLegs.get(callId) ?? new Map();
      listeners.set(listenerId, { handle, onEnd });
      await redis.multi().sadd(listenersKey(callId), listenerId).expire(listenersKey(callId), DAY_S).exec();
      listenerLegs.set(callId, listeners);
      return offer;
    },
    async answerListener(callId: string, listenerId: string, answer: string): Promise<void> {
      const entry = listenerLegs.get(callId)?.get(listenerId);
      if (!entry) throw new Error('no listening leg to answer');
      entry.leg = await anchors.get((await place(callId))?.url ?? '')!.answerLeg(entry.handle, answer);
    },
    /** The supervisor becomes heard (barge) or silent again, ending their whisper if they were whispering. */
    async setListenerHeard(callId: string, listenerId: string, heard: boolean): Promise<boolean> {
      return inTurn(callId, async () => {
        const entry = listenerLegs.get(callId)?.get(listenerId);
        if (!entry?.leg) return false;
        if (whispers.get(callId)?.listenerId === listenerId) await endWhisper(callId, false);
        await entry.leg.mute(!heard);
        entry.heard = heard;
        return true;
      });
    },
    /**
     * The supervisor whispers to `agentId`, the one agent on the call (JanusAnchor.whisper: the customer keeps hearing
     * the agent and never hears the supervisor). All three legs must be on this instance, the customer not on hold,
     * and no other supervisor on the call (a listener left in the call's room would hear nobody). `onEnded` hears of
     * a whisper the call ended (a hold, a colleague, the agent leaving).
     */
    async whisperToAgent(
      callId: string,
      listenerId: string,
      agentId: string,
      onEnded: () => void,
    ): Promise<'ok' | 'not_connected' | 'elsewhere' | 'held' | 'busy'> {
      return inTurn(callId, async () => {
        const entry = listenerLegs.get(callId)?.get(listenerId);
        if (!entry?.leg) return 'not_connected';
        const whisper = whispers.get(callId);
        if (whisper?.listenerId === listenerId && whisper.agentId === agentId) return 'ok';
        if (whisper) return 'busy';
        // Another supervisor's line, on any instance, would be left in the call's room hearing nobody.
        const lines = await redis.smembers(listenersKey(callId));
        if (lines.some((id) => id !== listenerId) || (await redis.exists(whisperKey(callId)))) return 'busy';
        const customer = customerLegs.get(callId)?.leg;
        const agent = deskLegs.get(callId)?.get(agentId)?.leg;
        const where = await place(callId);
        if (!customer || !agent || !where) return 'elsewhere';
        if (holdRooms.has(callId)) return 'held';
        const rooms = { customerSide: unguessableRoom(), deskSide: unguessableRoom() };
        const split = await where.anchor.whisper(
          { room: where.room, rate: where.rate ?? 16000 },
          { customer, agent, supervisor: entry.leg },
          rooms,
        );
        whispers.set(callId, { listenerId, agentId, end: split.end, onEnded });
        await redis.set(whisperKey(callId), listenerId, 'EX', DAY_S);
        entry.heard = false;
        return 'ok';
      });
    },
    /** Who whispers on this call, from any instance, if anyone. */
    whispering: async (callId: string) => (await redis.get(whisperKey(callId))) ?? undefined,
    /** The supervisor's leg leaves; true when it had barged in or was whispering (the agent heard them). */
    async stopListening(callId: string, listenerId: string): Promise<boolean> {
      const whispered = whispers.get(callId)?.listenerId === listenerId;
      if (whispered) await whisperOver(callId, false);
      await redis.srem(listenersKey(callId), listenerId).catch(() => 0);
      const entry = listenerLegs.get(callId)?.get(listenerId);
      if (!entry) return whispered;
      listenerLegs.get(callId)!.delete(listenerId);
      await (entry.leg ? entry.leg.leave() : entry.handle.detach().catch(() => undefined));
      return entry.heard === true || whispered;
    },
    /**
     * The customer waits in a hold room with the music, or comes back into the call's room; false when the
     * customer's leg is not on this instance (the one that has it does it).
     */
    async holdCustomer(callId: string, held: boolean): Promise<boolean> {
      const customer = customerLegs.get(callId);
      const where = await place(callId);
      const adoptedCustomer = !customer && adoptedLegs.has(callId, 'customer');
      if ((!customer?.leg.moveTo && !adoptedCustomer) || !where) return false;
      // A leg taken over from a dead instance is moved through the claimed session.
      const moveTo = (room: number) =>
        adoptedCustomer
          ? adoptedLegs.moveCustomer(callId, room, roomKeys(deps.access, room).pin)
          : customer!.leg.moveTo!(room);
      await whisperOver(callId);
      const holding = holdRooms.get(callId);
      if (held && holding === undefined) {
        const room = unguessableRoom();
        await where.anchor.openHoldRoom(room, deps.holdMusicFile, where.rate);
        holdRooms.set(callId, room);
        await moveTo(room);
      } else if (!held && holding !== undefined) {
        await moveTo(where.room);
        holdRooms.delete(callId);
        await where.anchor.closeRoom(holding);
      }
      return true;
    },
    /** The call is over: every leg here leaves, and the room closes. */
    async end(callId: string): Promise<void> {
      await whisperOver(callId, false).catch(() => undefined);
      await redis.del(listenersKey(callId), whisperKey(callId)).catch(() => 0);
      endListeners(callId, 'The call ended.');
      await this.dropBot(callId);
      await this.dropAllBut(callId, null);
      deskLegs.delete(callId);
      dropReadyCustomer(callId);
      const customer = customerLegs.get(callId);
      customerLegs.delete(callId);
      await customer?.leg.leave();
      await adoptedLegs.drop(callId, 'customer');
      await adoptedLegs.forget(callId);
      const where = await place(callId);
      const holding = holdRooms.get(callId);
      holdRooms.delete(callId);
      if (where && holding !== undefined) await where.anchor.closeRoom(holding);
      if (!where) return;
      if ((await redis.del(placeKey(callId))) === 1) {
        await redis.hincrby(loadKey, where.url, -1);
        await where.anchor.closeRoom(where.room);
        // Rooms of their own of colleagues rung from an instance that went away meanwhile.
        for (const lobby of await redis.smembers(lobbiesKey(callId))) await where.anchor.closeRoom(Number(lobby));
        await redis.del(lobbiesKey(callId));
      }
    },
    /** This instance stops: sessions with calls on them are left for another instance to claim; the rest go. */
    async close(): Promise<void> {
      closing = true;
      clearInterval(reconnect);
      for (const [url, anchor] of anchors) {
        if ((await placesOn(url)).size > 0) {
          await anchor.abandon();
          continue;
        }
        await keeper.unregister(url, anchor.sessionId);
        await anchor.close();
      }
      anchors.clear();
      await keeper.close();
    },
  };
}
export type AnchoredCalls = Awaited<ReturnType<typeof createAnchoredCalls>>;
