/** WhatsApp's words (error codes, alerts about the number) for the desk and the board: en. */
export const whatsappWordsEn = {
  /** WhatsApp's calling error codes in words (src/shared/callErrors.ts reads its English from here). */
  whatsappErrors: {
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
    unknown: 'WhatsApp reported a problem with this call',
    noCode: 'WhatsApp reported a problem with this call without saying which; the details are in the log.',
    withCode: '{{sentence}} (WhatsApp code {{code}})',
  },
  /** WhatsApp's word about the business number: restrictions, warnings, changed settings. */
  accountAlerts: {
    title: 'WhatsApp about this number',
    restrictedBusiness: 'WhatsApp restricted calling customers from this number',
    restrictedUser: 'WhatsApp restricted calling on this number',
    restrictedButton: 'WhatsApp hid the call button of this number',
    restrictedCalling: 'WhatsApp restricted calling on this number',
    until: '{{what}} until {{date}}',
    because: '{{what}}: {{reason}}.',
    plain: '{{what}}.',
    reasonLowPickup: 'too many missed calls',
    reasonFeedback: 'too many customers blocked or reported the number',
    reasonOther: '{{reason}}',
    lowPickup:
      'WhatsApp warns that too many calls to this number go unanswered: answer more, or WhatsApp will hide the call button.',
    warning: 'WhatsApp sent a warning about calling on this number ({{warning}}).',
    settingsChanged: 'The number’s calling settings were changed at WhatsApp.',
  },
};

export type WhatsappWords = {
  [S in keyof typeof whatsappWordsEn]: { [K in keyof (typeof whatsappWordsEn)[S]]: string };
};
