/**
 * The team relay's refusals in English, written once: the relay logs them (relayRefusals.ts) and the desk's English
 * catalogue spreads them into `mainSays`, so the other catalogues translate the same keys. i18next's `{{name}}`
 * values and `_one`/`_other` plural forms.
 */
export const relayRefusalWordsEn = {
  relayNotOffered: 'This call was not offered to you.',
  relayAnsweredElsewhere: 'Another agent answered this call.',
  relayGaveUp: 'Your desk stopped waiting for this, so nothing was sent to WhatsApp: try again.',
  relayNotYoursToAccept: 'This call is not yours to accept.',
  relayNotYoursToEnd: 'This call is not yours to end.',
  relayAlreadyAnswered: 'You already answered this call.',
  relayNotOnCall: 'You are not on this call.',
  relayNotYoursToWrapUp: 'This call is not yours to wrap up.',
  relayUnknownOutcome: '“{{outcome}}” is not one of the team’s outcomes: choose one from the list.',
  relayWrappedUpAlready: 'You saved this call’s wrap-up already; the team keeps the first one.',
  relayRecordsUnavailable: 'The team’s call records cannot be read right now; your own history is shown.',
  relayNotYoursToTransfer: 'This call is not yours to transfer.',
  relayNotYoursToShare: 'This call is not yours to add people to.',
  relayDirectNoTransfer:
    'This call cannot be transferred: its audio goes straight to your desk. Ask your operator to anchor the queue’s media on the team’s media server.',
  relayDirectNoShare:
    'This call cannot be shared: its audio goes straight to your desk. Ask your operator to anchor the queue’s media on the team’s media server.',
  relayDirectNoHoldRoom:
    'The customer cannot be put on the team’s hold music: this call’s audio goes straight to your desk. Use Hold instead.',
  relayChooseColleague: 'Choose a colleague.',
  relayCallUnknown: 'This call is no longer known to the team relay.',
  relayColleagueBusy: '{{to}} is not available to take a call right now.',
  relayInvitationOver: 'The invitation to this call is over: it stays with your colleague.',
  relayCallChanged: 'The call changed meanwhile (it was answered, moved on or ended): look at it again.',
  relayNotYoursToHandBack: 'Only the agent who has the call, alone on it, can hand it to an assistant.',
  relayNoSuchAssistant: 'This call’s queue has no such assistant.',
  relayAssistantFailed: 'The assistant did not take the call: it stays with you.',
  relayNotYourCustomer: 'The team’s history of a customer is shown only with a call of yours with them.',
  relayCallbackGone: 'That callback is no longer yours: it went to a colleague or is over.',
  relayWhatsAppUnreachable:
    'The team relay could not reach WhatsApp, so nothing was done there: try again in a moment, and tell your operator if it goes on.',
  relayWhatsAppSlow: 'WhatsApp did not answer the team relay in time: try again in a moment.',
  relayTooManyRequests_one: 'Too many requests from this desk: try again in 1 minute.',
  relayTooManyRequests_other: 'Too many requests from this desk: try again in {{count}} minutes.',
  relayPermissionLimit_one: 'You have sent the most call-permission requests allowed for now: try again in 1 minute.',
  relayPermissionLimit_other:
    'You have sent the most call-permission requests allowed for now: try again in {{count}} minutes.',
  relayCustomerAsked_one: 'This customer was already asked for call permission today: try again in 1 minute.',
  relayCustomerAsked_other:
    'This customer was already asked for call permission today: try again in {{count}} minutes.',
};
