import { z } from 'zod';

export const AppConfig = z.object({
  accessToken: z.string().min(20, 'WA_ACCESS_TOKEN is missing or too short: paste the access token from Meta’s app dashboard'),
  phoneNumberId: z.string().regex(/^\d+$/, 'WA_PHONE_NUMBER_ID must be the numeric phone number ID, not the phone number'),
  appSecret: z.string().min(8, 'WA_APP_SECRET is missing: copy the app secret from App settings > Basic'),
  verifyToken: z.string().min(8, 'WA_VERIFY_TOKEN must be at least 8 characters: choose one and paste it into Meta’s webhook settings'),
  webhookPort: z.coerce.number().int().min(0).max(65535, 'WA_WEBHOOK_PORT must be a port number'),
  webhookHost: z.string().min(1),
  graphBaseUrl: z.url('WA_GRAPH_BASE_URL must be a URL'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/, 'WA_GRAPH_API_VERSION looks like v23.0'),
  iceServers: z.array(z.object({ urls: z.union([z.string(), z.array(z.string())]) })),
});
export type AppConfig = z.infer<typeof AppConfig>;

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; errors: string[] };

/** Reads the app's settings from environment variables, naming each wrong setting. */
export function configFromEnv(env: Record<string, string | undefined>): ConfigResult {
  let iceServers: unknown;
  try {
    iceServers = env.WA_ICE_SERVERS ? JSON.parse(env.WA_ICE_SERVERS) : [];
  } catch {
    return { ok: false, errors: ['WA_ICE_SERVERS must be JSON, for example [{"urls":"stun:stun.example.org:3478"}]'] };
  }
  const parsed = AppConfig.safeParse({
    accessToken: env.WA_ACCESS_TOKEN ?? '',
    phoneNumberId: env.WA_PHONE_NUMBER_ID ?? '',
    appSecret: env.WA_APP_SECRET ?? '',
    verifyToken: env.WA_VERIFY_TOKEN ?? '',
    webhookPort: env.WA_WEBHOOK_PORT ?? '8787',
    webhookHost: env.WA_WEBHOOK_HOST ?? '127.0.0.1',
    graphBaseUrl: env.WA_GRAPH_BASE_URL ?? 'https://graph.facebook.com',
    graphApiVersion: env.WA_GRAPH_API_VERSION ?? 'v23.0',
    iceServers,
  });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
}
