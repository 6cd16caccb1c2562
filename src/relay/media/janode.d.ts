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
      address: { url: string } | Array<{ url: string }>;
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
      is_private?: boolean;
    }): Promise<{ room: number }>;
    destroy(params: { room: number }): Promise<unknown>;
    join(params: {
      room: number;
      display?: string;
      muted?: boolean;
      generate_offer?: boolean;
    }): Promise<{ feed: number; jsep?: Jsep }>;
    configure(params: { jsep?: Jsep; muted?: boolean; prebuffer?: number }): Promise<{ jsep?: Jsep }>;
    leave(): Promise<unknown>;
  }
  const AudioBridgePlugin: { id: string; Handle: new (...args: never[]) => AudioBridgeHandle };
  export default AudioBridgePlugin;
}
