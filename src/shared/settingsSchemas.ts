import { z } from 'zod';
import { SettingsFinding } from './callingSettings';
import { CapturePreference } from './metaCapture';
import { isTemplateLanguage, isTemplateName } from './graphSchemas';
import { ShortcutKeys } from './shortcuts';
import { Sentence } from './sentence';

export const TunnelMode = z.enum(['none', 'public_url', 'ngrok']);
export type TunnelMode = z.infer<typeof TunnelMode>;

/** direct: this computer takes Meta's webhooks; relay: a team relay does, and offers calls to this desk. */
export const ConnectionMode = z.enum(['direct', 'relay']);
export type ConnectionMode = z.infer<typeof ConnectionMode>;

/** wss:// anywhere; plain ws:// only to this computer, where nothing crosses a network. */
export function isSafeRelayAddress(url: string): boolean {
  if (url.startsWith('wss://')) return true;
  const host = /^ws:\/\/(\[[^\]]+\]|[^:/?#]+)/.exec(url)?.[1]?.toLowerCase();
  return host === 'localhost' || host === '[::1]' || (host !== undefined && /^127(\.\d{1,3}){3}$/.test(host));
}

/** The connection settings form field by field, as it crosses from the window: plain, bounded text. */
/** The administrator's fields are absent from a managed desk's form: the store keeps the values in force. */
export const ConnectionForm = z.object({
  accessToken: z.string().max(4096).optional(),
  phoneNumberId: z.string().max(100).optional(),
  appSecret: z.string().max(200).optional(),
  verifyToken: z.string().max(400).optional(),
  webhookPort: z.union([z.number(), z.string().max(10)]).optional(),
  tunnel: TunnelMode.optional(),
  publicUrl: z.string().max(2000).optional(),
  ngrokAuthtoken: z.string().max(4096).optional(),
  mode: ConnectionMode.optional(),
  relayUrls: z.string().max(4000).optional(),
  agentToken: z.string().max(4096).optional(),
  permissionTemplate: z.string().max(600).optional(),
  permissionTemplateLanguage: z.string().max(20).optional(),
});
export type ConnectionForm = z.infer<typeof ConnectionForm>;

/**
 * What is wrong with a connection field, by code: the form's errors carry the code and the page words it in the
 * agent's language (this English is the page's English catalogue, and the log's).
 */
export const FIELD_RULES = {
  accessTokenFormat: 'Access token: paste the whole token from Meta (letters and digits, no spaces)',
  phoneNumberIdFormat: 'Phone number ID: use the numeric ID from WhatsApp > API Setup, not the phone number',
  appSecretFormat: 'App secret: 32 hexadecimal characters from App settings > Basic',
  verifyTokenLength: 'Verify token: 8 to 200 characters',
  publicUrlFormat: 'Public URL: an https:// address Meta can reach',
  webhookPortNumber: 'Webhook port: a number',
  webhookPortWhole: 'Webhook port: a whole number',
  webhookPortMin: 'Webhook port: 1024 or above',
  webhookPortMax: 'Webhook port: 65535 at most',
  relayUrlsFormat: 'Relay address: ws:// or wss:// addresses, separated by commas',
  relayUrlsInsecure:
    'Relay address: use wss:// (the token and callers’ details would cross the network unencrypted); ws:// only for a relay on this computer',
  permissionTemplateName:
    'Permission template: its name as approved in WhatsApp Manager (lower-case letters, digits and _)',
  permissionTemplateLanguage: 'Template language: a code such as en, en_US or pt_BR',
  publicUrlRequired: 'Public URL: required when Meta reaches you through your own address',
  relayUrlsRequired: 'Relay address: required to join a team relay',
  agentTokenRequired: 'Agent token: required; your team lead issues it',
  accessTokenRequired: 'Access token: required',
  appSecretRequired: 'App secret: required to check that webhooks come from Meta',
  ngrokAuthtokenRequired: 'ngrok authtoken: required for the built-in tunnel (dashboard.ngrok.com)',
  lockedField: 'Managed by your administrator: this desk cannot change it',
} as const;
export type FieldRule = keyof typeof FIELD_RULES;
/** A field error in English, for the log; any message that is not a rule's code is kept as it is. */
export const fieldRuleText = (code: string): string => FIELD_RULES[code as FieldRule] ?? code;

/**
 * The connection fields that belong to an administrator: a managed desk (a policy file or the environment) neither
 * shows nor changes them. The agent's own sign-in token for a team relay stays the agent's.
 */
export const ADMIN_FIELDS = [
  'mode',
  'accessToken',
  'phoneNumberId',
  'appSecret',
  'verifyToken',
  'webhookPort',
  'tunnel',
  'publicUrl',
  'ngrokAuthtoken',
  'relayUrls',
  'permissionTemplate',
  'permissionTemplateLanguage',
] as const;
export const AdminField = z.enum(ADMIN_FIELDS);
export type AdminField = z.infer<typeof AdminField>;

/** Fields that are never shown back to the window; left empty in the form, the stored value is kept. */
export const SECRET_FIELDS = ['accessToken', 'appSecret', 'ngrokAuthtoken', 'agentToken'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

const DIRECT_RULES: Array<
  [
    field: 'accessToken' | 'phoneNumberId' | 'appSecret' | 'verifyToken' | 'publicUrl',
    ok: (v: string) => boolean,
    message: FieldRule,
  ]
> = [
  ['accessToken', (v) => v === '' || /^[A-Za-z0-9_\-.|]{20,}$/.test(v), 'accessTokenFormat'],
  ['phoneNumberId', (v) => /^\d{5,20}$/.test(v), 'phoneNumberIdFormat'],
  ['appSecret', (v) => v === '' || /^[0-9a-f]{32}$/i.test(v), 'appSecretFormat'],
  ['verifyToken', (v) => v.length >= 8 && v.length <= 200, 'verifyTokenLength'],
  ['publicUrl', (v) => v === '' || /^https:\/\/[^\s/]+(\/\S*)?$/.test(v), 'publicUrlFormat'],
];

/**
 * Connection settings as the agent types them. Secret fields left empty keep the stored value.
 * Meta's details are checked only for a direct connection; a relay needs only its address and a token.
 */
/** The connection fields with their rules, before the checks that depend on the chosen mode. */
export const ConnectionFields = z.object({
  accessToken: z.string().trim().default(''),
  phoneNumberId: z.string().trim().default(''),
  appSecret: z.string().trim().default(''),
  verifyToken: z.string().trim().default(''),
  webhookPort: z.coerce
    .number({ message: 'webhookPortNumber' })
    .int('webhookPortWhole')
    .min(1024, 'webhookPortMin')
    .max(65535, 'webhookPortMax')
    .default(8787),
  tunnel: TunnelMode.default('none'),
  publicUrl: z.string().trim().default(''),
  ngrokAuthtoken: z.string().trim().default(''),
  mode: ConnectionMode.default('direct'),
  relayUrls: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || v.split(',').every((u) => /^wss?:\/\/\S+$/.test(u.trim())), 'relayUrlsFormat')
    .refine((v) => v === '' || v.split(',').every((u) => isSafeRelayAddress(u.trim())), 'relayUrlsInsecure'),
  agentToken: z.string().trim().default(''),
  /** An approved call-permission-request template: WhatsApp allows only a template outside the 24 h window. */
  permissionTemplate: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || isTemplateName(v), 'permissionTemplateName'),
  permissionTemplateLanguage: z.string().trim().default('en').refine(isTemplateLanguage, 'permissionTemplateLanguage'),
});

export const ConnectionSettingsInput = ConnectionFields.superRefine((v, ctx) => {
  // A relay needs only its address and a token, both of which may already be stored (checked by the store).
  if (v.mode === 'relay') return;
  for (const [field, ok, message] of DIRECT_RULES) {
    if (!ok(v[field])) ctx.addIssue({ code: 'custom', path: [field], message });
  }
  if (v.tunnel === 'public_url' && v.publicUrl === '') {
    ctx.addIssue({
      code: 'custom',
      path: ['publicUrl'],
      message: 'publicUrlRequired',
    });
  }
});
export type ConnectionSettingsInput = z.infer<typeof ConnectionSettingsInput>;

/** What the settings file keeps in plain text; the secret fields are stored apart, encrypted where possible. */
export const StoredConnectionFields = ConnectionFields.omit({
  accessToken: true,
  appSecret: true,
  ngrokAuthtoken: true,
  agentToken: true,
});

/** The connection settings in force, secrets included: main process only. */
export type ConnectionSettings = Omit<ConnectionSettingsInput, 'relayUrls'> & { relayUrls: string[] };

export const AgentStatus = z.enum(['available', 'busy', 'away']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** How the agent works; no secrets, so the window may read and write all of it. */
export const AgentPreferences = z.object({
  status: AgentStatus,
  awayAction: z.enum(['reject', 'ring_out']),
  autoAnswer: z.boolean(),
  micDeviceId: z.string().max(512).optional(),
  speakerDeviceId: z.string().max(512).optional(),
  ringerDeviceId: z.string().max(512).optional(),
  /** Electron: the shortcuts also work while another application has the focus. Off by default. */
  globalShortcuts: z.boolean().optional(),
  /** The agent's own letters for the shortcuts, where they differ from the defaults. */
  shortcutKeys: ShortcutKeys.optional(),
  /** Electron: closing the window hides it to the tray (calls keep ringing); off, closing quits. On by default. */
  closeToTray: z.boolean().optional(),
  /** After-call work: the outcome codes offered (the operator's list), and seconds before returning to Available. */
  wrapUpCodes: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
  wrapUpAutoReturnSec: z.number().int().min(0).max(3600).optional(),
  /** The CRM address for a customer, with {phone}, {user_id} and {name}; https only. */
  crmUrlTemplate: z
    .string()
    .max(2000)
    .refine((v) => v === '' || /^https:\/\//.test(v), 'CRM link: an https:// address')
    .optional(),
  /** Open the CRM page by itself when a call is answered ("screen pop"). */
  crmScreenPop: z.boolean().optional(),
  /** A missed call's follow-up message, and the approved template sent instead outside the 24 h window. */
  followUpText: z.string().trim().min(1).max(4096).optional(),
  /** When set, the follow-up carries WhatsApp's call button with this text (20 characters at most). */
  followUpCallButton: z.string().trim().min(1).max(20).optional(),
  followUpTemplate: z
    .object({
      name: z.string().refine(isTemplateName),
      language: z.string().refine(isTemplateLanguage),
    })
    .optional(),
  /** WhatsApp's own recording and transcription of answered calls: off (absent), every call, or asked per call. */
  capture: CapturePreference.optional(),
  /** How loud the ringer rings, 0 to 1 (0.5 when absent). */
  ringerVolume: z.number().min(0).max(1).optional(),
  /** Light, dark, or as the operating system says (the default). */
  theme: z.enum(['system', 'light', 'dark']).optional(),
  /** The interface language; absent: the operating system's, where the phone has it. */
  language: z.string().max(10).optional(),
});
export type AgentPreferences = z.infer<typeof AgentPreferences>;

export const DEFAULT_PREFERENCES: AgentPreferences = { status: 'available', awayAction: 'ring_out', autoAnswer: false };

/** What the window may know about the connection settings: never the secrets themselves. */
export const SettingsView = z.object({
  phoneNumberId: z.string(),
  verifyToken: z.string(),
  webhookPort: z.number(),
  tunnel: TunnelMode,
  publicUrl: z.string(),
  permissionTemplate: z.string(),
  permissionTemplateLanguage: z.string(),
  accessTokenSet: z.boolean(),
  appSecretSet: z.boolean(),
  ngrokAuthtokenSet: z.boolean(),
  mode: ConnectionMode,
  /** The relay address decides where calls go: like the secrets, it is never sent back to the window. */
  relayUrlsSet: z.boolean(),
  agentTokenSet: z.boolean(),
  /** False where the OS offers no key store and secrets sit in a plain file. */
  secretsEncrypted: z.boolean(),
  configured: z.boolean(),
  /** The fields an administrator's policy or the environment locks: hidden from the agent, refused if written. */
  locked: z.array(AdminField),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SaveResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: SettingsView, check: z.lazy(() => ConnectionTest).optional() }),
  /** Per field, a FieldRule code (worded by the page), or a message of zod's own for a request outside the form. */
  z.object({ ok: z.literal(false), errors: z.record(z.string(), z.string()) }),
]);
export type SaveResult = z.infer<typeof SaveResult>;

export const ConnectionTest = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    displayPhoneNumber: z.string(),
    verifiedName: z.string().optional(),
    /** What the number's calling settings mean for the desk, when they could be read. */
    findings: z.array(SettingsFinding).optional(),
  }),
  z.object({
    ok: z.literal(false),
    field: z.string().optional(),
    error: z.string(),
    /** The failure as the page's message, worded in the agent's language (`error` is English, for the log). */
    said: Sentence.optional(),
  }),
]);
export type ConnectionTest = z.infer<typeof ConnectionTest>;
