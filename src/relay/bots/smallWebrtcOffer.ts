import { SmallWebrtcAnswer, type BotCallContext, type SmallWebrtcOffer } from '../../shared/botProtocol';
import type { QueueBot } from '../../shared/teamQueues';

/** The bot did not take its leg: no answer in time, an HTTP error, or a body that is not an answer. */
export class BotOfferFailed extends Error {}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Offers the bot its leg of the call in pipecat's SmallWebRTC shape: `POST url` with `{sdp, type: 'offer', pc_id,
 * request_data}`, the queue's bot token as bearer; the bot answers `{sdp, type: 'answer', pc_id}` within
 * `answerSeconds`.
 */
export async function offerToBot(bot: QueueBot, offerSdp: string, context: BotCallContext): Promise<SmallWebrtcAnswer> {
  const body: SmallWebrtcOffer = { sdp: offerSdp, type: 'offer', pc_id: null, request_data: context };
  let response: Response;
  let text: string;
  try {
    response = await fetch(bot.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bot.token}` },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(bot.answerSeconds * 1000),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new BotOfferFailed(
      timedOut ? `no answer within ${bot.answerSeconds} s` : `not reached (${(error as Error).message})`,
    );
  }
  if (!response.ok) throw new BotOfferFailed(`answered HTTP ${response.status}`);
  if (text.length > MAX_ANSWER_BYTES) throw new BotOfferFailed('answer too large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BotOfferFailed('answer is not JSON');
  }
  const answer = SmallWebrtcAnswer.safeParse(parsed);
  if (!answer.success) throw new BotOfferFailed('answer is not an SDP answer with a pc_id');
  return answer.data;
}
