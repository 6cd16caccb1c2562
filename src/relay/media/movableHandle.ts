import AudioBridgePlugin, { type AudioBridgeHandle } from 'janode/plugins/audiobridge';

/**
 * An AudioBridge handle that can also move its participant to another room with AudioBridge's `changeroom`, keeping
 * its WebRTC connection (janode 1.8 has no method for it and treats the `roomchanged` event as unknown). The customer
 * goes to a hold room where Janus plays music, and back, without WhatsApp noticing anything.
 */
class MovableAudioBridgeHandle extends (AudioBridgePlugin.Handle as unknown as new (
  ...args: unknown[]
) => AudioBridgeHandle) {
  override handleMessage(message: Parameters<AudioBridgeHandle['handleMessage']>[0]): unknown {
    const data = message.plugindata?.data;
    if (data?.audiobridge === 'roomchanged' && this.ownsTransaction(message.transaction)) {
      this.room = Number(data.room);
      this.feed = Number(data.id);
      const moved = { room: this.room, feed: this.feed };
      this.closeTransactionWithSuccess(message.transaction, moved);
      return moved;
    }
    return super.handleMessage(message);
  }

  /**
   * Moves this participant (and its media) to `room`, which must have the same sampling rate; `pin` is the room's,
   * `group` the forwarding group it takes there (mandatory in a room with groups). AudioBridge sets the volume anew on
   * every move: `volume` there, 100 when absent.
   */
  async changeRoom(room: number, display: string, pin: string, group?: string, volume?: number): Promise<void> {
    await this.message({
      request: 'changeroom',
      room,
      display,
      pin,
      ...(group && { group }),
      ...(volume !== undefined && { volume }),
    });
  }
}

export type MovableHandle = MovableAudioBridgeHandle;
export const MovableAudioBridge = { id: AudioBridgePlugin.id, Handle: MovableAudioBridgeHandle };
