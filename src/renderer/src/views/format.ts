import { isUserId } from '../../../shared/graphSchemas';
import { DEFAULT_WRAP_UP_CODES } from '../../../shared/historySchemas';
import type { CallView } from '../../../shared/ipcContract';

/** A customer known by business-scoped user ID has no number to show (Meta withholds it for username users). */
export function customerNumber(customer: string): string {
  return isUserId(customer) ? '' : `+${customer}`;
}

/** Whether a text is a phone number as people write it ("+44 7700 900555", "(555) 010-0199"). */
export function isPhoneNumber(text: string): boolean {
  return /^\+?[\d\s().-]+$/.test(text) && /\d/.test(text);
}

/**
 * A phone number inside plain text (the window title, a screen reader's announcement), where no <bdi> can go:
 * wrapped in a left-to-right isolate (U+2066 ... U+2069), so an Arabic sentence never shows "447700900555+".
 */
export function isolateNumber(text: string): string {
  return isPhoneNumber(text) ? `\u2066${text}\u2069` : text;
}

/** Who is calling, for the cards: name, else @username, else the number; and the number or @username beneath. */
export function callerLabel(
  call: Pick<CallView, 'from' | 'callerName' | 'callerUsername'>,
  unknownCaller = 'WhatsApp user',
): {
  name: string;
  number: string;
} {
  const number = customerNumber(call.from);
  const handle = call.callerUsername ? `@${call.callerUsername}` : '';
  const name = call.callerName && call.callerName !== call.from ? call.callerName : handle || number || unknownCaller;
  return { name, number: number || handle };
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

type EndReason = NonNullable<CallView['endReason']>;

/** The catalogue key for how a call ended: on the card just after it, and as its outcome in the history. */
export const endKey = (call: Pick<CallView, 'endReason' | 'handedTo'>): string =>
  call.handedTo ? 'ended.handedTo' : `ended.${call.endReason ?? 'answered'}`;
export const outcomeKey = (reason: EndReason | undefined): string => `outcome.${reason ?? 'live'}`;

/** The default outcome codes are stored as they are (reports stay in one language) and shown in the agent's. */
const DEFAULT_OUTCOME_KEYS = new Map(
  DEFAULT_WRAP_UP_CODES.map((code, i) => [code, `defaultOutcome.${['resolved', 'followUp', 'sales', 'complaint'][i]}`]),
);
export function outcomeLabel(code: string, t: (key: string) => string): string {
  const key = DEFAULT_OUTCOME_KEYS.get(code);
  return key ? t(key) : code;
}
/** A line of the outcome list as typed back into its code: a default shown in the agent's language is stored as is. */
export function outcomeCode(line: string, t: (key: string) => string): string {
  return DEFAULT_WRAP_UP_CODES.find((code) => outcomeLabel(code, t) === line) ?? line;
}
