import { z } from 'zod';

/**
 * A missed call's follow-up can carry WhatsApp's call button (an interactive `voice_call` message, Meta's "Send
 * WhatsApp call button messages and deep links" page): the customer calls back with one tap, and the button's
 * payload comes back as `cta_payload` in that call's connect webhook, so the desk knows what the call answers.
 */
const PREFIX = 'wa-softphone-follow-up:';

/** Meta's limits: the button's text is at most 20 characters, its payload at most 512. */
export const CALL_BUTTON_LABEL_MAX = 20;
export const CALL_BUTTON_PAYLOAD_MAX = 512;

export const CallButton = z.object({
  label: z.string().trim().min(1).max(CALL_BUTTON_LABEL_MAX),
  payload: z.string().min(1).max(CALL_BUTTON_PAYLOAD_MAX),
});
export type CallButton = z.infer<typeof CallButton>;

/** The payload that names the missed call a follow-up was sent for. */
export function followUpPayload(missedCallId: string): string {
  return `${PREFIX}${missedCallId}`.slice(0, CALL_BUTTON_PAYLOAD_MAX);
}

/** The missed call a callback answers, when it came through our follow-up's button. */
export function followedUpCall(ctaPayload: string | undefined): string | undefined {
  if (!ctaPayload?.startsWith(PREFIX)) return undefined;
  const callId = ctaPayload.slice(PREFIX.length);
  return callId === '' ? undefined : callId;
}
