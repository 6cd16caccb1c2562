import { z } from 'zod';

export const TunnelMode = z.enum(['none', 'public_url', 'ngrok']);
export type TunnelMode = z.infer<typeof TunnelMode>;

/** Connection settings as the agent types them. Secret fields left empty keep the stored value. */
export const ConnectionSettingsInput = z
  .object({
    accessToken: z
      .string()
      .trim()
      .refine((v) => v === '' || /^[A-Za-z0-9_\-.|]{20,}$/.test(v), 'Access token: paste the whole token from Meta (letters and digits, no spaces)'),
    phoneNumberId: z.string().trim().regex(/^\d{5,20}$/, 'Phone number ID: use the numeric ID from WhatsApp > API Setup, not the phone number'),
    appSecret: z
      .string()
      .trim()
      .refine((v) => v === '' || /^[0-9a-f]{32}$/i.test(v), 'App secret: 32 hexadecimal characters from App settings > Basic'),
    verifyToken: z.string().trim().min(8, 'Verify token: at least 8 characters').max(200, 'Verify token: at most 200 characters'),
    webhookPort: z.coerce
      .number({ message: 'Webhook port: a number' })
      .int('Webhook port: a whole number')
      .min(1024, 'Webhook port: 1024 or above')
      .max(65535, 'Webhook port: 65535 at most'),
    tunnel: TunnelMode,
    publicUrl: z
      .string()
      .trim()
      .refine((v) => v === '' || /^https:\/\/[^\s/]+(\/\S*)?$/.test(v), 'Public URL: an https:// address Meta can reach'),
    ngrokAuthtoken: z.string().trim(),
  })
  .superRefine((v, ctx) => {
    if (v.tunnel === 'public_url' && v.publicUrl === '') {
      ctx.addIssue({ code: 'custom', path: ['publicUrl'], message: 'Public URL: required when Meta reaches you through your own address' });
    }
  });
export type ConnectionSettingsInput = z.infer<typeof ConnectionSettingsInput>;

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
  accessTokenSet: z.boolean(),
  appSecretSet: z.boolean(),
  ngrokAuthtokenSet: z.boolean(),
  /** False where the OS offers no key store and secrets sit in a plain file. */
  secretsEncrypted: z.boolean(),
  configured: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SaveResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: SettingsView }),
  z.object({ ok: z.literal(false), errors: z.record(z.string(), z.string()) }),
]);
export type SaveResult = z.infer<typeof SaveResult>;

export const ConnectionTest = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), displayPhoneNumber: z.string(), verifiedName: z.string().optional() }),
  z.object({ ok: z.literal(false), field: z.string().optional(), error: z.string() }),
]);
export type ConnectionTest = z.infer<typeof ConnectionTest>;
