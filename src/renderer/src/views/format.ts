import { isUserId } from '../../../shared/graphSchemas';
import type { CallView } from '../../../shared/ipcContract';

/** A customer known by business-scoped user ID has no number to show (Meta withholds it for username users). */
export function customerNumber(customer: string): string {
  return isUserId(customer) ? '' : `+${customer}`;
}

/** Who is calling, for the cards: name, else @username, else the number; and the number or @username beneath. */
export function callerLabel(call: Pick<CallView, 'from' | 'callerName' | 'callerUsername'>): {
  name: string;
  number: string;
} {
  const number = customerNumber(call.from);
  const handle = call.callerUsername ? `@${call.callerUsername}` : '';
  const name = call.callerName && call.callerName !== call.from ? call.callerName : handle || number || 'WhatsApp user';
  return { name, number: number || handle };
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

type EndReason = NonNullable<CallView['endReason']>;

/** How each end reason reads: on the card just after the call, and as the call's outcome in the history. */
const END_TEXT: Record<EndReason, { card: string; history: string }> = {
  answered: { card: 'Call ended', history: 'Answered' },
  rejected: { card: 'Call rejected', history: 'Rejected' },
  missed: { card: 'Missed call', history: 'Missed' },
  failed: { card: 'Call failed', history: 'Failed' },
  remote_hangup: { card: 'Caller hung up', history: 'Answered' },
  answered_elsewhere: { card: 'Answered by a colleague', history: 'Answered by a colleague' },
};

export function endText(call: Pick<CallView, 'endReason'>): string {
  return call.endReason ? END_TEXT[call.endReason].card : 'Call ended';
}

export function historyOutcomeText(reason: EndReason): string {
  return END_TEXT[reason].history;
}
