import { z } from 'zod';

/**
 * A desk on its own behind a strict firewall: its TURN servers, the secret it shares with them, how long the
 * credentials made from it last, and whether all audio goes through TURN. Set in Settings; the environment
 * (WA_TURN_URLS, WA_TURN_SECRET, WA_TURN_LIFETIME_SECONDS, WA_ICE_TRANSPORT_POLICY) wins where it is set.
 */
export const TURN_FIELDS = ['turnUrls', 'turnSecret', 'turnLifetimeSeconds', 'turnRelayOnly'] as const;
export const TurnField = z.enum(TURN_FIELDS);
export type TurnField = z.infer<typeof TurnField>;

export const DEFAULT_TURN_LIFETIME_SECONDS = 8 * 3600;
export const MAX_TURN_URLS = 16;

/** turn:host:port or turns:host:port, with ?transport=udp or tcp at most (coturn's and browsers' forms). */
export const isTurnUrl = (url: string): boolean => /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/i.test(url);

/** The form as it crosses from the page; a field the environment sets is left out. An empty secret keeps it. */
export const TurnSettingsForm = z.strictObject({
  turnUrls: z.string().max(8000).optional(),
  turnSecret: z.string().max(600).optional(),
  clearTurnSecret: z.boolean().optional(),
  turnLifetimeSeconds: z.string().max(20).optional(),
  turnRelayOnly: z.boolean().optional(),
});
export type TurnSettingsForm = z.infer<typeof TurnSettingsForm>;

/** What the page may know: never the secret, only whether one is set. */
export const TurnSettingsView = z.object({
  turnUrls: z.array(z.string().max(512)).max(MAX_TURN_URLS),
  turnSecretSet: z.boolean(),
  turnLifetimeSeconds: z.number().int(),
  turnRelayOnly: z.boolean(),
  /** Fields an environment variable sets: shown, not editable, and refused if sent. */
  fromEnvironment: z.array(TurnField),
});
export type TurnSettingsView = z.infer<typeof TurnSettingsView>;

export const TurnRule = z.enum([
  'turnUrlsFormat',
  'turnUrlsTooMany',
  'turnSecretRequired',
  'turnSecretLength',
  'turnLifetimeRange',
  'turnRelayOnlyNeedsTurn',
  'turnSetByEnvironment',
]);
export type TurnRule = z.infer<typeof TurnRule>;

/** One field's problem, by rule; `value` is the wrong TURN address, which the page quotes. */
export const TurnFieldError = z.object({ rule: TurnRule, value: z.string().max(512).optional() });
export type TurnFieldError = z.infer<typeof TurnFieldError>;

export const TurnSaveResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: TurnSettingsView }),
  z.object({ ok: z.literal(false), errors: z.partialRecord(TurnField, TurnFieldError) }),
]);
export type TurnSaveResult = z.infer<typeof TurnSaveResult>;

/** What the desk keeps (the secret apart, encrypted where it can be). */
export interface SavedTurn {
  urls: string[];
  secret: string;
  lifetimeSeconds: number;
  relayOnly: boolean;
}

export interface TurnCheckContext {
  saved: SavedTurn;
  fromEnvironment: readonly TurnField[];
  /** TURN servers the desk has besides these (WA_TURN_URLS, or a TURN entry in WA_ICE_SERVERS). */
  turnElsewhere: boolean;
}

export type TurnCheck =
  { ok: true; next: SavedTurn } | { ok: false; errors: Partial<Record<TurnField, TurnFieldError>> };

const splitLines = (text: string): string[] =>
  text
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter(Boolean);

/** Checks the form against the rules and what is saved; returns what to save, or a problem per field. */
export function checkTurnForm(form: TurnSettingsForm, context: TurnCheckContext): TurnCheck {
  const { saved, fromEnvironment } = context;
  const errors: Partial<Record<TurnField, TurnFieldError>> = {};
  const sent: Record<TurnField, boolean> = {
    turnUrls: form.turnUrls !== undefined,
    turnSecret: Boolean(form.turnSecret?.trim()) || form.clearTurnSecret === true,
    turnLifetimeSeconds: form.turnLifetimeSeconds !== undefined,
    turnRelayOnly: form.turnRelayOnly !== undefined,
  };
  for (const field of fromEnvironment) if (sent[field]) errors[field] = { rule: 'turnSetByEnvironment' };

  const urls = form.turnUrls === undefined ? saved.urls : splitLines(form.turnUrls);
  const wrong = urls.find((url) => !isTurnUrl(url));
  if (wrong !== undefined) errors.turnUrls ??= { rule: 'turnUrlsFormat', value: wrong.slice(0, 512) };
  else if (urls.length > MAX_TURN_URLS) errors.turnUrls ??= { rule: 'turnUrlsTooMany' };

  const typed = form.turnSecret?.trim() ?? '';
  const secret = typed !== '' ? typed : form.clearTurnSecret ? '' : saved.secret;
  if (typed !== '' && (typed.length < 16 || typed.length > 512)) errors.turnSecret ??= { rule: 'turnSecretLength' };
  else if (urls.length > 0 && secret === '' && !fromEnvironment.includes('turnSecret'))
    errors.turnSecret ??= { rule: 'turnSecretRequired' };

  let lifetimeSeconds = saved.lifetimeSeconds;
  if (form.turnLifetimeSeconds !== undefined) {
    const text = form.turnLifetimeSeconds.trim();
    lifetimeSeconds = text === '' ? DEFAULT_TURN_LIFETIME_SECONDS : Number(text);
    if (!/^\d*$/.test(text) || lifetimeSeconds < 60 || lifetimeSeconds > 7 * 86400)
      errors.turnLifetimeSeconds ??= { rule: 'turnLifetimeRange' };
  }

  const relayOnly = form.turnRelayOnly ?? saved.relayOnly;
  // Relay candidates only, with no TURN server anywhere, would leave every call without audio.
  if (relayOnly && urls.length === 0 && !context.turnElsewhere)
    errors.turnRelayOnly ??= { rule: 'turnRelayOnlyNeedsTurn' };

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, next: { urls, secret, lifetimeSeconds, relayOnly } };
}
