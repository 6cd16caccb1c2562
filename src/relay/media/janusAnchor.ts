import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import AudioBridgePlugin, { type AudioBridgeHandle } from 'janode/plugins/audiobridge';
import { MovableAudioBridge } from './movableHandle';
import { customerCodec, deskSdpForJanus, janusOfferAsWhatsappAnswer, whatsappOfferAsJanusAnswer } from './anchorSdp';
import { roomKeys, type JanusAccess } from './janusAccess';

/** The rate a call's room mixes at (Hz). */
export type RoomRate = 8000 | 16000;

/**
 * 16 kHz for an Opus call (WhatsApp's Opus carries 16 kHz audio); 8 kHz for a customer on G.711, which is 8 kHz audio
 * itself: AudioBridge (1.1.2 and current) converts G.711 to and from a faster room by inserting zeros and dropping
 * samples without any filter, which halves the voice the desks hear and adds its mirror image near 8 kHz, and folds
 * the desks' high frequencies into the customer's audio. In an 8 kHz room G.711 is mixed as is and libopus resamples
 * the desks' Opus properly.
 */
export function roomRateFor(whatsappOffer: string): RoomRate {
  const codec = customerCodec(whatsappOffer);
  return codec === 'pcmu' || codec === 'pcma' ? 8000 : 16000;
}

/**
 * Packets Janus keeps per participant before mixing. The room's default, 3 × 20 ms, is the customer's: their audio
 * crosses WhatsApp's network and a mobile link, and a packet late for Janus's mix is lost to everyone (janus-facts.md).
 */
const PREBUFFER = 3;
/**
 * A desk's leg keeps one packet: desks reach Janus over the team's own network, and each packet kept is 20 ms more
 * before the customer hears the agent (measured in bench/anchored.ts: 3 packets added 67 ms mouth-to-ear beside direct
 * media, 1 packet 23 ms; with none Janus mixed nothing the caller could hear). A bot's leg keeps the room's 3: a bot
 * service may be anywhere on the internet, and its own turn-taking dwarfs 40 ms.
 */
const DESK_PREBUFFER = 1;
/**
 * The loss AudioBridge's Opus encoders plan for, in percent: above 0 they add in-band FEC to what Janus sends (to the
 * customer and to the desks) wherever the other side asked for it (useinbandfec=1). At 0, Janus's default, it sends
 * none at all, though the SDP says FEC (measured: bench/loss.ts). 10 % covers a lossy mobile leg for a few kbit/s.
 */
const EXPECTED_LOSS_PCT = 10;

/** One leg in a call's room: the customer's (WhatsApp) or an agent's desk. */
export interface AnchorLeg {
  feed: number;
  /** Janus's id of the leg's handle, which another relay instance can drive should this one die (adoptedLegs.ts). */
  handleId: number;
  /** Mutes or unmutes what this leg sends into the room (a supervisor listening in is muted until barge). */
  mute(muted: boolean): Promise<void>;
  /** Sets the leg's volume in the room's mix, in percent (0: nothing of it is heard, its audio still decoded). */
  setVolume(percent: number): Promise<void>;
  leave(): Promise<void>;
  /**
   * Moves the leg to another room of the same Janus, its media connection untouched (the customer to hold, the legs of
   * a whisper), into `group` there when that room has groups.
   */
  moveTo?(room: number, group?: string): Promise<void>;
}

/** The rooms of a whisper (`JanusAnchor.whisper`): two fresh private rooms at the call's rate. */
export interface WhisperRooms {
  /** Where the customer waits, hearing only the agent. */
  customerSide: number;
  /** Where the agent and the supervisor talk, hearing the customer. */
  deskSide: number;
}

/** Payload type of the Opus the whisper's forwarders send to its bridges (any dynamic type both ends agree on). */
const BRIDGE_PT = 111;

/**
 * A call's media anchored on one Janus instance: an AudioBridge room per call, the customer's WhatsApp leg joined with
 * offer and answer inverted (Janus offers, so it nominates toward WhatsApp's ICE-lite edge), agents' desks joined with
 * their own offers. The relay drives Janus; desks never talk to it except over WebRTC media. Every request carries the
 * API secret, every room has a secret and a pin only the relays can derive (janusAccess.ts).
 */
export async function connectJanusAnchor(url: string, access: JanusAccess, onGone?: (error?: Error) => void) {
  Janode.Logger.setLevel('error');
  const connection: JanodeConnection = await Janode.connect({
    is_admin: false,
    address: { url, apisecret: access.apiSecret },
  });
  connection.once(Janode.EVENT.CONNECTION_CLOSED, () => onGone?.());
  connection.once(Janode.EVENT.CONNECTION_ERROR, (error: Error) => onGone?.(error));
  const session: JanodeSession = await connection.create(15);
  const control = await session.attach(AudioBridgePlugin);

  async function leg(handle: AudioBridgeHandle, feed: number, display = 'customer'): Promise<AnchorLeg> {
    return {
      feed,
      handleId: handle.id,
      ...(handle instanceof MovableAudioBridge.Handle && {
        moveTo: (room: number, group?: string) => handle.changeRoom(room, display, roomKeys(access, room).pin, group),
      }),
      async mute(muted) {
        await handle.configure({ muted });
      },
      async setVolume(volume) {
        await handle.configure({ volume });
      },
      async leave() {
        await handle.leave().catch(() => undefined);
        await handle.detach().catch(() => undefined);
      },
    };
  }

  /** A private room that only the relays can join, record, play into or destroy, mixing at `rate` Hz. */
  async function createRoom(room: number, rate: RoomRate, groups?: string[]): Promise<void> {
    const { secret, pin } = roomKeys(access, room);
    const lock = { secret, pin, admin_key: access.adminKey };
    const bridged = groups && { groups, allow_rtp: true };
    await control.create({
      room,
      sampling_rate: rate,
      prebuffer: PREBUFFER,
      expected_loss: EXPECTED_LOSS_PCT,
      is_private: true,
      ...lock,
      ...bridged,
    });
  }
  const secretOf = (room: number) => roomKeys(access, room).secret;
  /** The name each leg Janus offered joined under, which it keeps when it moves to another room. */
  const offeredNames = new WeakMap<AudioBridgeHandle, string>();
  const pinOf = (room: number) => roomKeys(access, room).pin;

  /**
   * The customer's leg made ready on Answer: joined (Janus's offer, its candidates gathered) and the business's answer
   * built for pre_accept; `start` gives Janus WhatsApp's side once WhatsApp has that answer, and its ICE toward
   * WhatsApp begins (joinCustomer does both at once). `heard` false joins it at volume 0 (nobody in the room hears the
   * customer, their audio still decoded) until `hear`.
   */
  async function prepareCustomer(room: number, whatsappOffer: string, heard = true) {
    const codec = customerCodec(whatsappOffer);
    if (!codec) throw new Error("WhatsApp's offer has no Opus, PCMU or PCMA");
    const handle = await session.attach(MovableAudioBridge);
    try {
      const joined = await handle.join({
        room,
        pin: pinOf(room),
        display: 'customer',
        generate_offer: true,
        codec,
        ...(!heard && { volume: 0 }),
      });
      if (!joined.jsep || joined.jsep.type !== 'offer') throw new Error('Janus did not offer for the customer leg');
      const janusOffer = joined.jsep.sdp;
      return {
        answer: janusOfferAsWhatsappAnswer(janusOffer, whatsappOffer),
        /** The customer's participant id in the room. */
        feed: joined.feed,
        /** The customer joined at volume 0 is heard in the room from now on. */
        async hear(): Promise<void> {
          await handle.configure({ volume: 100 });
        },
        async start(): Promise<{ leg: AnchorLeg; connected: Promise<boolean> }> {
          // Resolves true once the customer's WebRTC leg is up (ICE and DTLS with WhatsApp), false after 10 s.
          const connected = new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 10_000);
            handle.once(Janode.EVENT.HANDLE_WEBRTCUP, () => {
              clearTimeout(timer);
              resolve(true);
            });
          });
          try {
            await handle.configure({
              jsep: { type: 'answer', sdp: whatsappOfferAsJanusAnswer(whatsappOffer, janusOffer) },
            });
          } catch (error) {
            await handle.detach().catch(() => undefined);
            throw error;
          }
          return { leg: await leg(handle, joined.feed), connected };
        },
        async drop(): Promise<void> {
          await handle.leave().catch(() => undefined);
          await handle.detach().catch(() => undefined);
        },
      };
    } catch (error) {
      await handle.detach().catch(() => undefined);
      throw error;
    }
  }

  return {
    /** Janus's id of this connection's session, which another relay instance can claim if this one dies. */
    sessionId: session.id,
    /** A private room for one call, at the rate its customer's codec calls for (`roomRateFor`); its id is returned. */
    async openRoom(room: number, rate: RoomRate = 16000): Promise<number> {
      await createRoom(room, rate);
      return room;
    },
    /**
     * A room where the held customer waits: Janus plays the operator's music into it on a loop (an Ogg Opus file on
     * Janus's machine); without one the customer hears silence, still carried as packets, so WhatsApp's 20 s no-media
     * rule is never met.
     */
    async openHoldRoom(room: number, musicFile?: string, rate: RoomRate = 16000): Promise<void> {
      // AudioBridge moves a participant only between rooms of the same rate: the call's own.
      await createRoom(room, rate);
      if (musicFile)
        await control.playFile({
          room,
          secret: secretOf(room),
          filename: musicFile,
          file_id: `hold-${room}`,
          loop: true,
        });
    },
    /**
     * The room's mix is recorded (a WAV Janus writes into `dir`, on its own machine) after the consent notice is
     * played into the room, so the recording starts with the notice the customer heard.
     */
    async recordRoom(room: number, dir: string, file: string, consentNotice: string): Promise<void> {
      const secret = secretOf(room);
      await control.playFile({ room, secret, filename: consentNotice, file_id: `consent-${room}`, loop: false });
      await control.enableRecording({ room, secret, record: true, rec_dir: dir, filename: file });
    },
    /**
     * Every leg in `room` but the participants `keep` is kicked (AudioBridge `kick` with the room's secret works on legs
     * joined through any relay instance's session). Janus 1.1.2 only queues the kicked leg's hangup on a one-second
     * timer of its sessions' loop: the leg stays in the room, and gets the room's mix, for 0-1 s more (measured up to
     * 0.7 s; `participantsOf` tells when it is out). Resolves with the legs kicked, or throws if Janus refused one.
     */
    async kickAllBut(room: number, keep: number[]): Promise<number[]> {
      const secret = secretOf(room);
      const others = (await control.listParticipants({ room, secret })).participants
        .map((p) => Number(p.feed))
        .filter((feed) => !keep.includes(feed));
      await Promise.all(others.map((feed) => control.kick({ room, feed, secret })));
      return others;
    },
    /** Whether `room` holds the customer's or a bot's leg (someone a leg joining there would hear at once). */
    async holdsCallParty(room: number): Promise<boolean> {
      const listed = await control.listParticipants({ room, secret: secretOf(room) });
      return listed.participants.some((p) => p.display === 'customer' || p.display === 'assistant');
    },
    /**
     * A desk's leg `offerLeg` offered in a room of its own moves into `room`, its media (up or still starting)
     * untouched, at `volume` there (AudioBridge's changeroom sets it anew: 100 unless told).
     */
    async moveLeg(handle: AudioBridgeHandle, room: number, volume?: number): Promise<void> {
      if (!(handle instanceof MovableAudioBridge.Handle)) throw new Error('this leg cannot move');
      await handle.changeRoom(room, offeredNames.get(handle) ?? '', pinOf(room), undefined, volume);
    },
    /** The participants of `room` (their ids), as Janus lists them. */
    async participantsOf(room: number): Promise<number[]> {
      const listed = await control.listParticipants({ room, secret: secretOf(room) });
      return listed.participants.map((p) => Number(p.feed));
    },
    /**
     * From now on, the legs Janus says have left `room` to `handle`, a participant there: AudioBridge tells every
     * participant still in a room `leaving` once a leg is out of it and its mix (a kicked leg once its media closed, a
     * leg that left). `next` resolves at the next such word (true) or after `ms` (false); `stop` ends the watch.
     */
    watchLeaving(handle: AudioBridgeHandle, room: number) {
      const left = new Set<number>();
      let wake: (() => void) | undefined;
      const heard = (data: { room?: unknown; feed?: unknown }) => {
        if (Number(data.room) !== room) return;
        left.add(Number(data.feed));
        wake?.();
      };
      handle.on(AudioBridgePlugin.EVENT.AUDIOBRIDGE_PEER_LEAVING, heard);
      return {
        has: (feed: number) => left.has(feed),
        next: (ms: number) =>
          new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => ((wake = undefined), resolve(false)), ms);
            wake = () => (clearTimeout(timer), (wake = undefined), resolve(true));
          }),
        stop: () => void handle.off(AudioBridgePlugin.EVENT.AUDIOBRIDGE_PEER_LEAVING, heard),
      };
    },
    async closeRoom(room: number): Promise<void> {
      await control.destroy({ room, secret: secretOf(room) }).catch(() => undefined);
    },
    /**
     * The customer's leg: WhatsApp's offer in, the business's answer for pre_accept/accept out (Meta's rules: one
     * sha-256 fingerprint, setup active, Opus at the offered payload type, candidates, no ice-lite). A G.711-only
     * offer joins the leg with that law (AudioBridge's codec is per participant: Janus then offers it at its static
     * payload type, 0 or 8, and the room mixes it with the desks' Opus at the room's rate).
     */
    async joinCustomer(
      room: number,
      whatsappOffer: string,
    ): Promise<{ answer: string; leg: AnchorLeg; connected: Promise<boolean> }> {
      const ready = await prepareCustomer(room, whatsappOffer);
      return { answer: ready.answer, ...(await ready.start()) };
    },
    prepareCustomer,
    /** An agent's desk joins with its own offer (a full ICE peer); Janus's answer goes back to the desk. */
    async joinAgent(room: number, deskOffer: string, name: string): Promise<{ answer: string; leg: AnchorLeg }> {
      const handle = await session.attach(MovableAudioBridge);
      try {
        const joined = await handle.join({ room, pin: pinOf(room), display: name });
        const configured = await handle.configure({ jsep: { type: 'offer', sdp: deskSdpForJanus(deskOffer) } });
        if (!configured.jsep || configured.jsep.type !== 'answer') throw new Error('Janus did not answer the desk');
        return { answer: configured.jsep.sdp, leg: await leg(handle, joined.feed, name) };
      } catch (error) {
        await handle.detach().catch(() => undefined);
        throw error;
      }
    },
    /** A desk's leg that Janus offers (the desk answers it as it would WhatsApp's offer). */
    async offerLeg(
      room: number,
      name: string,
      muted = false,
      volume?: number,
    ): Promise<{ handle: AudioBridgeHandle; offer: string }> {
      const handle = await session.attach(MovableAudioBridge);
      offeredNames.set(handle, name);
      try {
        const joined = await handle.join({
          room,
          pin: pinOf(room),
          display: name,
          generate_offer: true,
          muted,
          ...(volume !== undefined && { volume }),
        });
        if (!joined.jsep || joined.jsep.type !== 'offer') throw new Error('Janus did not offer for the desk');
        return { handle, offer: joined.jsep.sdp };
      } catch (error) {
        await handle.detach().catch(() => undefined);
        throw error;
      }
    },
    /**
     * The desk's (or bot's) answer to `offerLeg`'s offer: its media starts. `heard` puts a leg offered at volume 0 at
     * full volume in the same request.
     */
    async answerLeg(
      handle: AudioBridgeHandle,
      answer: string,
      from: 'desk' | 'bot' = 'desk',
      heard?: boolean,
    ): Promise<AnchorLeg> {
      const jsep = { type: 'answer' as const, sdp: deskSdpForJanus(answer) };
      await handle.configure({
        jsep,
        ...(from === 'desk' && { prebuffer: DESK_PREBUFFER }),
        ...(heard && { volume: 100 }),
      });
      return leg(handle, 0, offeredNames.get(handle));
    },
    /**
     * A supervisor speaks to the agent alone. AudioBridge mixes one room for everyone in it, so the call is split in
     * two rooms: the customer waits on the customer side, the agent and the supervisor talk on the desk side, and two
     * forwarders carry one forwarding group's mix each into the other room through a plain RTP participant: the
     * customer's voice alone to the desk side, the agent's voice alone to the customer side. The customer hears the
     * agent and never the supervisor; the agent hears both; nobody hears their own voice back. `end` puts every leg
     * back into the call's room and takes the two rooms down.
     */
    async whisper(
      call: { room: number; rate: RoomRate },
      legs: { customer: AnchorLeg; agent: AnchorLeg; supervisor: AnchorLeg },
      rooms: WhisperRooms,
    ): Promise<{ end(): Promise<void> }> {
      const { customer, agent, supervisor } = legs;
      if (!customer.moveTo || !agent.moveTo || !supervisor.moveTo) throw new Error('a leg of this call cannot move');
      await createRoom(rooms.customerSide, call.rate, ['customer', 'bridge']);
      await createRoom(rooms.deskSide, call.rate, ['agent', 'supervisor', 'bridge']);
      const bridges: AudioBridgeHandle[] = [];
      const forwards: Array<{ room: number; stream: number }> = [];
      /** A plain RTP participant in `room` that Janus only receives from, fed with `from`'s `group` alone. */
      async function bridge(room: number, from: number, group: string): Promise<void> {
        const handle = await session.attach(AudioBridgePlugin);
        bridges.push(handle);
        const joined = await handle.join({
          room,
          pin: pinOf(room),
          display: `bridge:${group}`,
          group: 'bridge',
          rtp_participant: { payload_type: BRIDGE_PT },
        });
        if (!joined.rtp_participant) throw new Error('Janus gave the bridge no RTP address');
        const started = await control.startForward({
          room: from,
          group,
          host: joined.rtp_participant.ip,
          audio_port: joined.rtp_participant.port,
          ptype: BRIDGE_PT,
          codec: 'opus',
          secret: secretOf(from),
          admin_key: access.adminKey,
        });
        forwards.push({ room: from, stream: started.forwarder.audio_stream });
      }
      async function end(): Promise<void> {
        // Back into the call's room (no groups there) before the rooms go, so no leg is ever in a destroyed room.
        for (const moved of [customer, agent, supervisor]) await moved.moveTo!(call.room).catch(() => undefined);
        for (const f of forwards)
          await control
            .stopForward({ room: f.room, stream: f.stream, secret: secretOf(f.room), admin_key: access.adminKey })
            .catch(() => undefined);
        for (const handle of bridges) {
          await handle.leave().catch(() => undefined);
          await handle.detach().catch(() => undefined);
        }
        for (const room of [rooms.customerSide, rooms.deskSide])
          await control.destroy({ room, secret: secretOf(room) }).catch(() => undefined);
      }
      try {
        await bridge(rooms.deskSide, rooms.customerSide, 'customer');
        await bridge(rooms.customerSide, rooms.deskSide, 'agent');
        await agent.moveTo(rooms.deskSide, 'agent');
        await supervisor.moveTo(rooms.deskSide, 'supervisor');
        await customer.moveTo(rooms.customerSide, 'customer');
        // Heard on the desk side only: the customer's room holds no supervisor.
        await supervisor.mute(false);
      } catch (error) {
        await end();
        throw error;
      }
      return { end };
    },
    async close(): Promise<void> {
      await session.destroy().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
    /** Leaves the session to Janus (and to another relay instance's claim): its calls' legs go on. */
    async abandon(): Promise<void> {
      await connection.close().catch(() => undefined);
    },
  };
}
export type JanusAnchor = Awaited<ReturnType<typeof connectJanusAnchor>>;
