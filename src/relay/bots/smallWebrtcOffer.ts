import { SmallWebrtcAnswer, type BotCallContext, type SmallWebrtcOffer } from '../../shared/botProtocol';
import type { QueueBot } from '../../shared/teamQueues';

/** The bot did not take its leg: no answer in time, an HTTP error, or a body that is not an answer. */
export class BotOfferFailed extends Error {}

const MAX_ANSWER_BYTES = 64 * 1024;

/** The body as text, or undefined once it passes `max` bytes (the rest is not read). */
export async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Offers the bot its leg of the call in pipecat's SmallWebRTC shape: `POST url` with `{sdp, type: 'offer', pc_id,
 * request_data}`, the queue's bot token as bearer; the bot answers `{sdp, type: 'answer', pc_id}` within
 * `answerSeconds`.
 */
export async function offerToBot(bot: QueueBot, offerSdp: string, context: BotCallContext): Promise<SmallWebrtcAnswer> {
  const body: SmallWebrtcOffer = { sdp: offerSdp, type: 'offer', pc_id: null, request_data: context };
  let text: string | undefined;
  try {
    const response = await fetch(bot.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bot.token}` },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(bot.answerSeconds * 1000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new BotOfferFailed(`answered HTTP ${response.status}`);
    }
    text = await readCapped(response, MAX_ANSWER_BYTES);
  } catch (error) {
    if (error instanceof BotOfferFailed) throw error;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new BotOfferFailed(
      timedOut ? `no answer within ${bot.answerSeconds} s` : `not reached (${(error as Error).message})`,
    );
  }
  if (text === undefined) throw new BotOfferFailed('answer too large');
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
