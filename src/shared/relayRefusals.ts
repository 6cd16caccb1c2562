import { z } from 'zod';

/**
 * Why the team relay refused an agent's request, by key and values: the relay writes the English (its log, the
 * desk's log), the desk words the key in the agent's language (`mainSays.<key>` in its catalogues).
 */
const ENGLISH = {
  relayNotOffered: () => 'This call was not offered to you.',
  relayAnsweredElsewhere: () => 'Another agent answered this call.',
  relayGaveUp: () => 'Your desk stopped waiting for this, so nothing was sent to WhatsApp: try again.',
  relayNotYoursToAccept: () => 'This call is not yours to accept.',
  relayNotYoursToEnd: () => 'This call is not yours to end.',
  relayAlreadyAnswered: () => 'You already answered this call.',
  relayNotOnCall: () => 'You are not on this call.',
  relayNotYoursToWrapUp: () => 'This call is not yours to wrap up.',
  relayRecordsUnavailable: () => 'The team’s call records cannot be read right now; your own history is shown.',
  relayNotYoursToTransfer: () => 'This call is not yours to transfer.',
  relayNotYoursToShare: () => 'This call is not yours to add people to.',
  relayDirectNoTransfer: () =>
    'This call cannot be transferred: its audio goes straight to your desk. Ask your operator to anchor the queue’s media on the team’s media server.',
  relayDirectNoShare: () =>
    'This call cannot be shared: its audio goes straight to your desk. Ask your operator to anchor the queue’s media on the team’s media server.',
  relayDirectNoHoldRoom: () =>
    'The customer cannot be put on the team’s hold music: this call’s audio goes straight to your desk. Use Hold instead.',
  relayChooseColleague: () => 'Choose a colleague.',
  relayCallUnknown: () => 'This call is no longer known to the team relay.',
  relayColleagueBusy: (v: Values) => `${v.to} is not available to take a call right now.`,
  relayInvitationOver: () => 'The invitation to this call is over: it stays with your colleague.',
  relayCallChanged: () => 'The call changed meanwhile (it was answered, moved on or ended): look at it again.',
  relayTooManyRequests: (v: Values) => `Too many requests from this desk: try again in ${minutes(v.count)}.`,
  relayPermissionLimit: (v: Values) =>
    `You have sent the most call-permission requests allowed for now: try again in ${minutes(v.count)}.`,
  relayCustomerAsked: (v: Values) =>
    `This customer was already asked for call permission today: try again in ${minutes(v.count)}.`,
} satisfies Record<string, (values: Values) => string>;

type Values = Record<string, string | number>;
const minutes = (count: string | number | undefined) => (Number(count) === 1 ? '1 minute' : `${String(count)} minutes`);

export type RelayRefusalKey = keyof typeof ENGLISH;
export const RELAY_REFUSAL_KEYS = Object.keys(ENGLISH) as RelayRefusalKey[];
/** Refusals that say how long to wait: `count` minutes, worded with the language's plural forms. */
export const RELAY_REFUSALS_WITH_WAIT: RelayRefusalKey[] = [
  'relayTooManyRequests',
  'relayPermissionLimit',
  'relayCustomerAsked',
];

/** The refusal in English, as the relay logs it and an English desk shows it. */
export function relayRefusalEnglish(key: RelayRefusalKey, values: Values = {}): string {
  return ENGLISH[key](values);
}

export const RelayRefusalSaid = z.object({
  key: z.enum(RELAY_REFUSAL_KEYS as [RelayRefusalKey, ...RelayRefusalKey[]]),
  values: z.record(z.string().max(40), z.union([z.string().max(200), z.number()])).optional(),
});
export type RelayRefusalSaid = z.infer<typeof RelayRefusalSaid>;
