import { z } from 'zod';
import { isTemplateLanguage, isTemplateName } from './graphSchemas';
import { ADMIN_FIELDS, ConnectionMode, TunnelMode, isSafeRelayAddress, type AdminField } from './settingsSchemas';

/**
 * The connection an administrator hands a desk (a policy file IT drops in a system folder, or the environment):
 * each value given is in force and locked. Checked by the same rules as the Settings form.
 */
export const ManagedConnection = z.strictObject({
  mode: ConnectionMode.optional(),
  accessToken: z
    .string()
    .regex(/^[A-Za-z0-9_\-.|]{20,}$/, 'accessToken: the whole token from Meta')
    .optional(),
  phoneNumberId: z
    .string()
    .regex(/^\d{5,20}$/, 'phoneNumberId: the numeric ID')
    .optional(),
  appSecret: z
    .string()
    .regex(/^[0-9a-f]{32}$/i, 'appSecret: 32 hexadecimal characters')
    .optional(),
  verifyToken: z.string().min(8, 'verifyToken: 8 to 200 characters').max(200).optional(),
  webhookPort: z.coerce.number().int().min(1024, 'webhookPort: 1024 to 65535').max(65535).optional(),
  tunnel: TunnelMode.optional(),
  publicUrl: z
    .string()
    .regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'publicUrl: an https:// address')
    .optional(),
  ngrokAuthtoken: z.string().min(1).max(4096).optional(),
  relayUrls: z
    .string()
    .refine(
      (v) => v.split(',').every((u) => /^wss?:\/\/\S+$/.test(u.trim()) && isSafeRelayAddress(u.trim())),
      'relayUrls: wss:// addresses separated by commas (ws:// only on this computer)',
    )
    .optional(),
  permissionTemplate: z.string().refine(isTemplateName, 'permissionTemplate: a template name').optional(),
  permissionTemplateLanguage: z.string().refine(isTemplateLanguage, 'permissionTemplateLanguage: en_US').optional(),
});
export type ManagedConnection = z.infer<typeof ManagedConnection>;

/** The policy file: `{ "connection": { ... } }`; anything else in it is a mistake, refused rather than ignored. */
export const DeskPolicy = z.strictObject({ connection: ManagedConnection });
export type DeskPolicy = z.infer<typeof DeskPolicy>;

export type PolicyReading = { ok: true; connection: ManagedConnection } | { ok: false; detail: string };

/** Reads a policy file's text; the detail of what is wrong is for the log, never for the agent. */
export function readDeskPolicy(text: string): PolicyReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, which may hold a secret: the log gets no more than this.
    return { ok: false, detail: 'not valid JSON' };
  }
  const parsed = DeskPolicy.safeParse(json);
  if (parsed.success) return { ok: true, connection: parsed.data.connection };
  return {
    ok: false,
    detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '),
  };
}

/** What a desk's administrator decided: the values in force, and which fields the agent may not see or change. */
export interface ManagedSettings {
  values: ManagedConnection;
  locked: AdminField[];
}

export const UNMANAGED: ManagedSettings = { values: {}, locked: [] };

/**
 * A managed desk (a policy file, even one that sets nothing, or values in the environment) has every administrator
 * field locked, not only those given: the agent's Settings then shows no administrator section at all. A policy that
 * cannot be read locks them too (never unlocks).
 */
export function managedFrom(
  values: ManagedConnection | undefined,
  how: { policyFound: boolean; unreadable: boolean },
): ManagedSettings {
  const given = Object.values(values ?? {}).some((v) => v !== undefined);
  if (!given && !how.policyFound && !how.unreadable) return UNMANAGED;
  return { values: values ?? {}, locked: [...ADMIN_FIELDS] };
}
