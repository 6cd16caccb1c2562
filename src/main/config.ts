import { z } from 'zod';
import { IceServers, IceTransportPolicy } from '../shared/iceServers';
import { turnSettingsFromEnv, type TurnSettings } from '../relay/turnCredentials';

/** Deployment settings from the environment: where the Graph API is, how to bind, which ICE servers to use. */
export const Environment = z.object({
  graphBaseUrl: z.url('WA_GRAPH_BASE_URL must be a URL'),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/, 'WA_GRAPH_API_VERSION looks like v23.0'),
  webhookHost: z.string().min(1, 'WA_WEBHOOK_HOST must be an address to listen on'),
  /** Overrides the port from Settings; 0 picks a free port (tests, demo). */
  webhookPortOverride: z.coerce.number().int().min(0).max(65535, 'WA_WEBHOOK_PORT must be a port number').optional(),
  iceServers: IceServers,
  /** `relay` makes every call's audio go through TURN (the desk offers relay candidates only). */
  iceTransportPolicy: z
    .enum(IceTransportPolicy.options, 'WA_ICE_TRANSPORT_POLICY is all (the default) or relay (audio through TURN only)')
    .default('all'),
  /** WA_ICE_TRANSPORT_POLICY is set: it wins over "Send all audio through TURN" in Settings. */
  iceTransportPolicyFromEnvironment: z.literal(true).optional(),
  /**
   * A desk on its own with a TURN server (WA_TURN_URLS, WA_TURN_SECRET): it makes its own time-limited credentials, as
   * a team relay does for its desks.
   */
  turn: z.object({ urls: z.array(z.string()), secret: z.string(), lifetimeSeconds: z.number() }).optional(),
  /** How long the audio may stay lost (or not come up after answering) before the call is ended. */
  mediaTimeoutMs: z.coerce
    .number()
    .int()
    .min(1000, 'WA_MEDIA_TIMEOUT_MS must be at least 1000')
    .max(120_000)
    // Meta drops a call after 30 s without media mid-call; ending it here sooner would lose calls WhatsApp keeps.
    .default(30_000),
});
export type Environment = z.infer<typeof Environment>;

export type EnvironmentResult = { ok: true; environment: Environment } | { ok: false; errors: string[] };

export function environmentFromEnv(env: Record<string, string | undefined>): EnvironmentResult {
  let iceServers: unknown;
  try {
    iceServers = env.WA_ICE_SERVERS ? JSON.parse(env.WA_ICE_SERVERS) : [];
  } catch {
    return { ok: false, errors: ['WA_ICE_SERVERS must be JSON, for example [{"urls":"stun:stun.example.org:3478"}]'] };
  }
  let turn: TurnSettings | undefined;
  try {
    turn = turnSettingsFromEnv(env, 'WA');
  } catch (error) {
    return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
  }
  const parsed = Environment.safeParse({
    graphBaseUrl: env.WA_GRAPH_BASE_URL ?? 'https://graph.facebook.com',
    graphApiVersion: env.WA_GRAPH_API_VERSION ?? 'v23.0',
    webhookHost: env.WA_WEBHOOK_HOST ?? '127.0.0.1',
    webhookPortOverride: env.WA_WEBHOOK_PORT || undefined,
    iceServers,
    iceTransportPolicy: env.WA_ICE_TRANSPORT_POLICY || undefined,
    iceTransportPolicyFromEnvironment: env.WA_ICE_TRANSPORT_POLICY ? true : undefined,
    turn,
    mediaTimeoutMs: env.WA_MEDIA_TIMEOUT_MS || undefined,
  });
  if (parsed.success) return { ok: true, environment: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
}

/** The environment with nothing set: what a desk falls back to when its variables are wrong. */
export function defaultEnvironment(): Environment {
  const defaults = environmentFromEnv({});
  if (!defaults.ok) throw new Error(`built-in environment defaults are invalid: ${defaults.errors.join('; ')}`);
  return defaults.environment;
}
