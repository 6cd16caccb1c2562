// The part of janode (Meetecho's Janus client; it ships no types) this project uses.
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
  }
  export interface JanodeHandle extends EventEmitter {
    id: number;
    detach(): Promise<void>;
  }
  export interface JanodeSession extends EventEmitter {
    id: number;
    attach<H extends JanodeHandle>(plugin: { id: string; Handle: new (...args: never[]) => H }): Promise<H>;
    destroy(): Promise<void>;
  }
  export interface JanodeConnection extends EventEmitter {
    create(keepAliveSeconds?: number): Promise<JanodeSession>;
    close(): Promise<void>;
  }
  const Janode: {
    connect(config: {
      is_admin?: boolean;
      address: { url: string; apisecret?: string } | Array<{ url: string; apisecret?: string }>;
    }): Promise<JanodeConnection>;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): void };
    EVENT: Record<
      | 'CONNECTION_CLOSED'
      | 'CONNECTION_ERROR'
      | 'SESSION_DESTROYED'
      | 'HANDLE_DETACHED'
      | 'HANDLE_ICE_FAILED'
      | 'HANDLE_HANGUP'
      | 'HANDLE_WEBRTCUP'
      | 'HANDLE_MEDIA',
      string
    >;
  };
  export default Janode;
}

declare module 'janode/plugins/audiobridge' {
  import type { JanodeHandle, Jsep } from 'janode';

  export interface AudioBridgeHandle extends JanodeHandle {
    create(params: {
      room: number;
      description?: string;
      sampling_rate?: number;
      prebuffer?: number;
      /** Percent of packets Janus expects lost: above 0 its Opus encoders add in-band FEC (default_expectedloss). */
      expected_loss?: number;
      is_private?: boolean;
      secret?: string;
      pin?: string;
      admin_key?: string;
      /** Plain RTP participants may join (the whisper's bridges). */
      allow_rtp?: boolean;
      /** Forwarding groups: a forwarder can carry one group's mix only. */
      groups?: string[];
    }): Promise<{ room: number }>;
    destroy(params: { room: number; secret?: string }): Promise<unknown>;
    join(params: {
      room: number;
      pin?: string;
      display?: string;
      muted?: boolean;
      /** This participant's gain in the room's mix, in percent (100 unless set). */
      volume?: number;
      generate_offer?: boolean;
      /** This participant's codec (default opus); the room mixes every participant at its own rate. */
      codec?: 'opus' | 'pcmu' | 'pcma';
      /** Mandatory in a room with groups. */
      group?: string;
      /** A plain RTP participant; without ip and port Janus only receives from it. */
      rtp_participant?: { ip?: string; port?: number; payload_type?: number };
    }): Promise<{ feed: number; jsep?: Jsep; rtp_participant?: { ip: string; port: number; payload_type?: number } }>;
    configure(params: { jsep?: Jsep; muted?: boolean; volume?: number; prebuffer?: number }): Promise<{ jsep?: Jsep }>;
    leave(): Promise<unknown>;
    playFile(params: {
      room: number;
      secret?: string;
      filename: string;
      file_id?: string;
      loop?: boolean;
    }): Promise<unknown>;
    startForward(params: {
      room: number;
      host: string;
      audio_port: number;
      ptype?: number;
      codec?: 'opus' | 'pcma' | 'pcmu';
      group?: string;
      secret?: string;
      admin_key?: string;
    }): Promise<{ forwarder: { audio_stream: number } }>;
    stopForward(params: { room: number; stream: number; secret?: string; admin_key?: string }): Promise<unknown>;
    stopFile(params: { room: number; secret?: string; file_id: string }): Promise<unknown>;
    listParticipants(params: {
      room: number;
      secret?: string;
    }): Promise<{ participants: Array<{ feed: number; display?: string; setup?: boolean }> }>;
    /** Takes a participant out of the room (its WebRTC connection is closed too). */
    kick(params: { room: number; feed: number; secret?: string }): Promise<unknown>;
    enableRecording(params: {
      room: number;
      secret?: string;
      record: boolean;
      filename?: string;
      rec_dir?: string;
    }): Promise<unknown>;
    /** A plugin request as is; resolves with Janus's reply (for requests janode has no method for). */
    message(body: Record<string, unknown>): Promise<unknown>;
    /** For plugin handles that extend this one (janode's documented way to add a request). */
    handleMessage(message: { transaction?: string; plugindata?: { data?: Record<string, unknown> } }): unknown;
    ownsTransaction(transaction?: string): boolean;
    closeTransactionWithSuccess(transaction: string | undefined, data: unknown): void;
    room?: number;
    feed?: number;
  }
  const AudioBridgePlugin: {
    id: string;
    Handle: new (...args: never[]) => AudioBridgeHandle;
    /** Events a handle emits: another participant left the handle's room (`{ room, feed }`). */
    EVENT: Record<'AUDIOBRIDGE_PEER_LEAVING', string>;
  };
  export default AudioBridgePlugin;
}
