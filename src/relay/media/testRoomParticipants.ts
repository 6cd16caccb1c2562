import Janode from 'janode';
import AudioBridgePlugin from 'janode/plugins/audiobridge';
import { roomKeys, type JanusAccess } from './janusAccess';

/**
 * Who is in a room on Janus, by display name ('customer', 'assistant', agent ids), read as the relays read it (the
 * room's secret is derived from the admin key): tests ask Janus itself which legs a call has.
 */
export async function roomParticipants(url: string, access: JanusAccess, room: number): Promise<string[]> {
  const connection = await Janode.connect({ is_admin: false, address: { url, apisecret: access.apiSecret } });
  try {
    const session = await connection.create(15);
    const handle = await session.attach(AudioBridgePlugin);
    const reply = (await handle.message({
      request: 'listparticipants',
      room,
      secret: roomKeys(access, room).secret,
    })) as { plugindata?: { data?: { participants?: Array<{ display?: string }> } } };
    const participants = reply.plugindata?.data?.participants;
    if (!participants) throw new Error(`Janus did not list room ${room}: ${JSON.stringify(reply)}`);
    await session.destroy().catch(() => undefined);
    return participants.map((p) => p.display ?? '').sort();
  } finally {
    await connection.close().catch(() => undefined);
  }
}
