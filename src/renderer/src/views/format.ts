import type { CallView } from '../../../shared/ipcContract';

export function callerLabel(call: CallView): { name: string; number: string } {
  const number = `+${call.from}`;
  const name = call.callerName && call.callerName !== call.from ? call.callerName : number;
  return { name, number };
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

const END_TEXT: Record<NonNullable<CallView['endReason']>, string> = {
  answered: 'Call ended',
  rejected: 'Call rejected',
  missed: 'Missed call',
  failed: 'Call failed',
  remote_hangup: 'Caller hung up',
  answered_elsewhere: 'Answered by a colleague',
};

export function endText(call: CallView): string {
  return call.endReason ? END_TEXT[call.endReason] : 'Call ended';
}
