/**
 * Meta's calling error codes in words an agent can act on. Codes and meanings from Meta's "Troubleshoot WhatsApp
 * Calling Errors" reference (updated June 2026; 138008 as Meta reports it for an answer it refuses to validate).
 * The renderer shows each in the agent's language from its catalogues (`whatsappErrors.<code>`): a test holds the
 * catalogues to this list.
 */
const SENTENCES: Record<number, string> = {
  100: 'WhatsApp refused a value this phone sent (invalid parameter); the details are in the log.',
  613: 'WhatsApp limits how often call permissions can be looked up: wait a moment, then try again.',
  131009: 'WhatsApp does not allow a call-button message from this business’s country: ask your administrator.',
  131030: 'This customer is not on the test number’s list of allowed recipients: ask your administrator to add them.',
  131044:
    'WhatsApp could not connect this call because the business account has no valid payment method: ask your administrator to add one.',
  138015:
    'Calling cannot be turned on for this number until its messaging limit is at least 2,000: ask your administrator.',
  138017: 'This customer has already given permanent permission to be called: no request is needed.',
  138018:
    'Calling is not set up at WhatsApp: the app must be subscribed to the calls webhook (or SIP turned on): ask your administrator.',
  190: 'WhatsApp no longer accepts the phone’s access token: ask your administrator to paste a new one in Settings.',
  131055:
    'This number is set up for SIP calling, so WhatsApp refuses calls from this phone: ask your administrator to turn SIP off for it.',
  131047:
    'This customer last wrote more than 24 hours ago, so WhatsApp accepts only an approved template: ask your administrator to set the call-permission template in Settings.',
  132001:
    'WhatsApp does not know the call-permission template set in Settings (name or language): ask your administrator to check it.',
  138000: 'Calling is not turned on for this business number: ask your administrator to enable it.',
  138001: 'This customer cannot be called on WhatsApp (not on WhatsApp, or an app that does not support calls).',
  138002: 'WhatsApp’s limit of calls at once for this number is reached: try again in a moment.',
  138003: 'There is already a call going on with this customer.',
  138004: 'WhatsApp had a connection problem with this call: try again.',
  138005: 'Too many calls were started too quickly: wait a minute and try again.',
  138006: 'This customer has not given permission to be called: ask for permission first.',
  138007: 'The call could not be set up in time on WhatsApp’s side: try again.',
  138008: 'WhatsApp refused this phone’s audio setup for the call; the call could not be connected.',
  138009: 'WhatsApp allows no more call-permission requests to this customer for now (one a day, two a week).',
  138012: 'The limit of business-started calls for the day is reached: try again later.',
  138013: 'This business number cannot start calls: ask your administrator.',
  138014: 'WhatsApp has paused calling on this number for now because of call quality: ask your administrator.',
  138019: 'The customer’s WhatsApp could not set up the call.',
  138020: 'The customer’s WhatsApp could not reach WhatsApp’s call servers.',
  138021: 'The customer’s WhatsApp stopped hearing audio from this phone, so WhatsApp ended the call.',
  138022: 'The customer’s WhatsApp could not send audio, so WhatsApp ended the call.',
  138023: 'The call was answered but no audio ever flowed, so WhatsApp ended it.',
};

/** Every code with a sentence of its own. */
export const KNOWN_CALL_ERROR_CODES: readonly number[] = Object.keys(SENTENCES).map(Number);

/** One plain sentence for a WhatsApp error, with its code kept for support; undefined for codes not known here. */
export function callErrorSentence(code: number): string | undefined {
  const sentence = SENTENCES[code];
  return sentence && `${sentence} (WhatsApp code ${code})`;
}

/** The sentence for any error WhatsApp reports: its own where known, a general one keeping the code otherwise. */
export function anyCallErrorSentence(code: number | undefined): string {
  if (code === undefined)
    return 'WhatsApp reported a problem with this call without saying which; the details are in the log.';
  return callErrorSentence(code) ?? `WhatsApp reported a problem with this call (WhatsApp code ${code}).`;
}

/** The WhatsApp error code an error carries (Graph API errors do), if any. */
export function whatsAppErrorCode(error: unknown): number | undefined {
  const code = (error as { details?: { code?: unknown } } | undefined)?.details?.code;
  return typeof code === 'number' ? code : undefined;
}
