import { callErrorSentence, whatsAppErrorCode } from './callErrors';
import { sentence, whatsappSaid, type MainSays, type Sentence } from './sentence';

/**
 * An error whose message was written for the agent (a relay refusal, a relay that cannot be reached): shown as
 * it is. `code` keeps WhatsApp's error code when the failure came from WhatsApp through a relay.
 */
export class AgentFacingError extends Error {
  readonly details: { code?: number };
  constructor(
    message: string,
    code?: number,
    /** The same as the page's message, when this side wrote it (the relay's own words come as they are). */
    readonly said?: Sentence,
  ) {
    super(message);
    this.details = { code };
  }
}

const BY_KIND: Record<string, string> = {
  network: 'Could not reach WhatsApp: check this computer’s internet connection, then try again.',
  timeout: 'WhatsApp did not answer in time: try again in a moment.',
  bad_response: 'WhatsApp’s answer could not be read: try again, and tell your administrator if it keeps happening.',
  bad_request:
    'The phone held back a request WhatsApp would refuse: tell your administrator (the details are in the log).',
};

/**
 * One sentence an agent can act on for any failure: Meta's code in plain words where it is known, the kind of
 * failure otherwise, never a raw host name, stack or HTTP status (those go to the log).
 */
export function agentSentence(error: unknown): string {
  const code = whatsAppErrorCode(error);
  const known = code !== undefined ? callErrorSentence(code) : undefined;
  if (known) return known;
  if (error instanceof AgentFacingError) return error.message;
  const kind = (error as { kind?: unknown } | undefined)?.kind;
  if (typeof kind === 'string' && BY_KIND[kind]) return BY_KIND[kind];
  if (kind === 'graph')
    return `WhatsApp refused the request${code !== undefined ? ` (WhatsApp code ${code})` : ''}: try again, and tell your administrator if it keeps happening.`;
  return 'Something went wrong on this phone: try again; the details are in the log.';
}

const SAID_BY_KIND: Record<string, MainSays> = {
  network: 'netUnreachable',
  timeout: 'netTimeout',
  bad_response: 'badResponse',
  bad_request: 'badRequest',
};

/** The same sentence as agentSentence, as a message for the page to word in the agent's language. */
export function agentSaid(error: unknown): Sentence {
  const code = whatsAppErrorCode(error);
  if (code !== undefined && callErrorSentence(code)) return whatsappSaid(code);
  // The relay's own refusals come worded by the relay; they are passed on as they are.
  if (error instanceof AgentFacingError) return error.said ?? sentence('relaySays', { text: error.message });
  const kind = (error as { kind?: unknown } | undefined)?.kind;
  if (typeof kind === 'string' && SAID_BY_KIND[kind]) return sentence(SAID_BY_KIND[kind]);
  if (kind === 'graph')
    return code !== undefined ? sentence('whatsappRefused', { code }) : sentence('whatsappRefusedNoCode');
  return sentence('unexpected');
}
