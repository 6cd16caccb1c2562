import { z } from 'zod';
import { RELAY_REFUSAL_KEYS, type RelayRefusalKey } from './relayRefusals';

/**
 * What the main process tells the agent, by the page catalogue's message (`mainSays.<key>`) and its values; the
 * page words it in the agent's language. Values are what no catalogue can hold: port numbers, file names, the
 * keys of a shortcut, the operating system's own error text.
 */
const DESK_SAYS = [
  'fatal',
  'historyNotSaved',
  'settingsDamaged',
  'policyUnreadable',
  'historyDamaged',
  'webhookPortInUse',
  'webhookPortNotAllowed',
  'webhookNotStarted',
  'tunnelFailed',
  'shortcutsTaken',
  'relayTokenRefused',
  'companySignInRefused',
  'companySignInNoRole',
  'companySignInTimedOut',
  'companySignInUnreachable',
  'relayAlreadySignedIn',
  'relayJoinFailed',
  'relayLost',
  'relayDropped',
  'relayUnreachable',
  'relayTimeout',
  'relayClosed',
  'tokenRejected',
  'tokenLacksMessaging',
  'phoneNumberIdUnknown',
  'callGone',
  'answerBusy',
  'cannotAnswer',
  'callerHungUp',
  'answerFailed',
  'callNotLive',
  'rejectUnconfirmed',
  'holdOnlyActive',
  'holdOtherHeld',
  'holdWaitConnected',
  'dialBusy',
  'permissionCheckFailed',
  'callbackPermissionRequested',
  'callbackNoPermission',
  'callbackGone',
  'noCallPermission',
  'dialFailed',
  'permissionLimit',
  'permissionNotSent',
  'onlyActive',
  'holdRoomNeedsRelay',
  'transferOnlyActive',
  'transferNeedsRelay',
  'handBackOnlyActive',
  'handBackNeedsRelay',
  'netUnreachable',
  'netTimeout',
  'badResponse',
  'badRequest',
  'whatsappRefused',
  'whatsappRefusedNoCode',
  'unexpected',
  'relaySays',
  'saveSettingsFirst',
  'wrapUpUnknownCall',
  'wrapUpNotSaved',
  'reasonsNeedRelay',
  'reasonUnknown',
  'holdMusicUnsupported',
  'holdMusicNotSaved',
  'notInHistory',
  'messageNotSent',
  'noRecording',
  'recordingUnreadable',
  'hangupUnconfirmed',
  'autoRejectedAway',
  'customerNoAnswer',
  'customerDeclined',
  'appClosed',
  'appStopped',
  'recordingNotDownloaded',
  'transcriptNotDownloaded',
  'recordingChecksum',
  'transcriptChecksum',
  'transcriptUnreadable',
  'recordingNotWritten',
  'recordingNotSaved',
  'transcriptNotSaved',
  'mediaTryAgain',
  'windowCrashed',
  'windowClosed',
  'whatsappCode',
  'whatsappNoCode',
  'settingsNeedManagement',
  'settingsUnreadable',
  'mediaPageLeft',
  'mediaLostForGood',
  'mediaFailed',
  'mediaNeverConnected',
  'mediaNetworkBlocked',
  'mediaDeclinedNoAudio',
  'mediaDeclinedSetup',
] as const;
/** Everything the desk's page may be told to word: the desk's own messages and the team relay's refusals. */
export type MainSays = (typeof DESK_SAYS)[number] | RelayRefusalKey;
export const MAIN_SAYS = [...DESK_SAYS, ...RELAY_REFUSAL_KEYS] as [MainSays, ...MainSays[]];

export const Sentence = z.object({
  key: z.enum(MAIN_SAYS),
  values: z.record(z.string().max(40), z.union([z.string().max(2000), z.number()])).optional(),
});
export type Sentence = z.infer<typeof Sentence>;

export const sentence = (key: MainSays, values?: Sentence['values']): Sentence => (values ? { key, values } : { key });

/** WhatsApp's error code (or its absence) as a message: the page words it from its WhatsApp sentences. */
export const whatsappSaid = (code: number | undefined): Sentence =>
  code === undefined ? sentence('whatsappNoCode') : sentence('whatsappCode', { code });

/** A refusal: `error` in English for the log (and the tests), `said` for the page to word in the agent's language. */
export function refuse(error: string, ...said: Sentence[]): { ok: false; error: string; said: Sentence[] } {
  return { ok: false, error, said };
}
