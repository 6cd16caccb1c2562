import { z } from 'zod';

/**
 * What the main process tells the agent, by the page catalogue's message (`mainSays.<key>`) and its values; the
 * page words it in the agent's language. Values are what no catalogue can hold: port numbers, file names, the
 * keys of a shortcut, the operating system's own error text.
 */
export const MAIN_SAYS = [
  'fatal',
  'historyNotSaved',
  'settingsDamaged',
  'historyDamaged',
  'webhookPortInUse',
  'webhookPortNotAllowed',
  'webhookNotStarted',
  'tunnelFailed',
  'shortcutsTaken',
  'relayTokenRefused',
  'relayAlreadySignedIn',
  'relayJoinFailed',
  'relayLost',
  'tokenRejected',
  'tokenLacksMessaging',
  'phoneNumberIdUnknown',
] as const;
export type MainSays = (typeof MAIN_SAYS)[number];

export const Sentence = z.object({
  key: z.enum(MAIN_SAYS),
  values: z.record(z.string().max(40), z.union([z.string().max(2000), z.number()])).optional(),
});
export type Sentence = z.infer<typeof Sentence>;

export const sentence = (key: MainSays, values?: Sentence['values']): Sentence => (values ? { key, values } : { key });
