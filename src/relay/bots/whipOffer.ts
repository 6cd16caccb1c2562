import type { BotCallContext } from '../../shared/botProtocol';
import type { QueueBot } from '../../shared/teamQueues';
import { BotOfferFailed, readCapped } from './smallWebrtcOffer';

const MAX_ANSWER_BYTES = 64 * 1024;
/** The call's context for a WHIP bot, which takes a bare SDP body: base64url JSON of BotCallContext. */
export const WHIP_CONTEXT_HEADER = 'Relay-Call-Context';

/** The bot's session: its answer, and the resource to DELETE when its leg leaves. */
export interface WhipSession {
  sdp: string;
  resource: string;
}

/**
 * Offers the bot its leg over WHIP (RFC 9725): `POST url` with the offer as `application/sdp` and the bot's token as
 * bearer; the bot answers `201 Created` with its SDP answer (`application/sdp`) and the session's URL in `Location`
 * (resolved against `url`, same origin only, since the token goes with the DELETE).
 */
export async function offerToWhipBot(bot: QueueBot, offerSdp: string, context: BotCallContext): Promise<WhipSession> {
  let response: Response;
  try {
    response = await fetch(bot.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/sdp',
        Authorization: `Bearer ${bot.token}`,
        [WHIP_CONTEXT_HEADER]: Buffer.from(JSON.stringify(context)).toString('base64url'),
      },
      body: offerSdp,
      redirect: 'error',
      signal: AbortSignal.timeout(bot.answerSeconds * 1000),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new BotOfferFailed(timedOut ? `no answer within ${bot.answerSeconds} s` : `not reached (${String(error)})`);
  }
  if (response.status !== 201) {
    await response.body?.cancel();
    throw new BotOfferFailed(`answered HTTP ${response.status}, not 201 Created`);
  }
  const location = response.headers.get('location');
  const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const resource = location ? new URL(location, bot.url) : undefined;
  if (!resource || resource.origin !== new URL(bot.url).origin) {
    await response.body?.cancel();
    throw new BotOfferFailed('answered without a Location on its own origin');
  }
  if (type !== 'application/sdp') {
    await response.body?.cancel();
    throw new BotOfferFailed('answer is not application/sdp');
  }
  const sdp = await readCapped(response, MAX_ANSWER_BYTES);
  if (sdp === undefined) throw new BotOfferFailed('answer too large');
  if (!sdp.startsWith('v=0')) throw new BotOfferFailed('answer is not an SDP');
  return { sdp, resource: resource.href };
}

/** Ends the bot's WHIP session (the leg left the call); a bot that does not answer in time is not waited for. */
export async function endWhipSession(bot: QueueBot, resource: string): Promise<number> {
  const response = await fetch(resource, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${bot.token}` },
    redirect: 'error',
    signal: AbortSignal.timeout(bot.answerSeconds * 1000),
  });
  await response.body?.cancel();
  return response.status;
}
