import { readFileSync } from 'node:fs';
import { NOT_READY_REASON } from '../shared/teamSettings';
import { z } from 'zod';
import { errorText } from '../shared/errorText';
import { TeamQueues } from '../shared/teamQueues';
import { ExtraNumbers } from '../shared/relayNumbers';
import { isTemplateLanguage, isTemplateName } from '../shared/graphSchemas';
import { createLogger } from '../whatsapp/logger';
import { issueAgentToken, issueSupervisorToken } from './agentTokens';
import { envProblems } from './envProblems';
import { AfterCallSeconds } from './afterCallSetting';
import { openRedis, redisTargetFromEnv, type RedisTarget } from './redisConnection';
import type { CompanySignInSettings } from './identity/companySignIn';
import { IdentityRoles } from '../shared/identityRoles';
import { startRelay } from './relayServer';
import { createJanusRegistry } from './media/janusRegistry';
import { createRevocations } from './revocations';
import { deploymentKeyPrefix } from './relayKeys';
import { moveUntaggedKeys } from './untaggedKeys';
import { stopOnSignals } from '../whatsapp/stopOnSignals';
import { parseTokenArgs, unknownQueues } from './tokenArgs';
import { turnSettingsFromEnv } from './turnCredentials';

const RelayEnv = z.object({
  WA_ACCESS_TOKEN: z.string().min(20, 'WA_ACCESS_TOKEN: the Graph API access token'),
  WA_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'WA_PHONE_NUMBER_ID: the numeric phone number ID'),
  WA_APP_SECRET: z.string().min(8, 'WA_APP_SECRET: the app secret that signs webhooks'),
  WA_VERIFY_TOKEN: z.string().min(8, 'WA_VERIFY_TOKEN: at least 8 characters'),
  RELAY_AGENT_SECRET: z.string().min(16, 'RELAY_AGENT_SECRET: at least 16 characters; signs agent tokens'),
  RELAY_ROUTING: z.enum(['ring_all', 'longest_idle']).default('ring_all'),
  RELAY_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  RELAY_AGENT_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  RELAY_HOST: z.string().default('127.0.0.1'),
  /** Reverse proxies in front (their own addresses, comma-separated): see RelayOptions.trustedProxies. */
  RELAY_TRUSTED_PROXIES: z.string().optional(),
  /** Redis key prefix, for several deployments on one Redis. */
  RELAY_PREFIX: z
    .string()
    .regex(/^[\w-]{1,40}$/, 'RELAY_PREFIX: letters, digits, - or _')
    .default('wa-relay'),
  WA_GRAPH_BASE_URL: z.string().optional(),
  /** An approved call-permission template, for customers who last wrote more than 24 hours ago. */
  WA_PERMISSION_TEMPLATE: z
    .string()
    .refine(isTemplateName, 'WA_PERMISSION_TEMPLATE: the template name as approved in WhatsApp Manager')
    .optional(),
  WA_PERMISSION_TEMPLATE_LANGUAGE: z
    .string()
    .refine(isTemplateLanguage, 'WA_PERMISSION_TEMPLATE_LANGUAGE: a code such as en or pt_BR')
    .default('en'),
  /** Secrets being rotated out, comma-separated: tokens they signed stay valid until they expire. */
  RELAY_AGENT_SECRET_PREVIOUS: z.string().optional(),
  /** When set, GET /metrics on the agent port asks for `Authorization: Bearer <this>`. */
  RELAY_METRICS_TOKEN: z.string().min(16, 'RELAY_METRICS_TOKEN: at least 16 characters').optional(),
  /** What agents see as this number's name when the relay has several numbers. */
  WA_PHONE_NUMBER_NAME: z.string().min(1).max(80).optional(),
  /** A JSON file of more business numbers: [{ phoneNumberId, accessToken, name }]. */
  RELAY_NUMBERS_FILE: z.string().optional(),
  /** A JSON file of queues with skills; without it every call rings the whole team (RELAY_ROUTING). */
  RELAY_QUEUES_FILE: z.string().optional(),
  /** Janus WebSocket addresses (comma-separated) for queues whose media is anchored. */
  RELAY_JANUS_URLS: z.string().optional(),
  /** Janus's `api_secret`: every request to Janus carries it. */
  RELAY_JANUS_API_SECRET: z.string().min(16, 'RELAY_JANUS_API_SECRET: at least 16 characters').optional(),
  /** AudioBridge's `admin_key`: creates rooms; rooms' secrets and pins are derived from it. */
  RELAY_JANUS_ADMIN_KEY: z.string().min(16, 'RELAY_JANUS_ADMIN_KEY: at least 16 characters').optional(),
  /** Hold music Janus plays to a held customer (consult before a warm transfer): an Ogg Opus file on Janus's machines. */
  RELAY_JANUS_HOLD_MUSIC: z.string().optional(),
  /** Records anchored calls into this folder (written by Janus, read by the relay: a shared path). */
  RELAY_JANUS_RECORDING_DIR: z.string().optional(),
  /** The consent notice played to the customer before a recording starts (Ogg Opus; required with recording). */
  RELAY_JANUS_CONSENT_NOTICE: z.string().optional(),
  /** How long the relay keeps an agent in after-call work for an unsaved wrap-up (unset: until saved; 0: never). */
  RELAY_AFTER_CALL_SECONDS: AfterCallSeconds,
  /** How long a colleague's transfer or conference ring lasts unanswered before the call stays with its agent. */
  RELAY_COLLEAGUE_RING_SECONDS: z.coerce.number().int().min(5).max(300).optional(),
  /** The reasons agents may give for not being ready, comma-separated. */
  RELAY_NOT_READY_REASONS: z
    .string()
    .refine(
      (v) => v.split(',').every((reason) => NOT_READY_REASON.test(reason.trim())),
      'RELAY_NOT_READY_REASONS: words like break,lunch,training',
    )
    .optional(),
  /** Agents not signed in for this many days leave the team's known set (the board, routing's reads, metrics). */
  RELAY_FORGET_AGENTS_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** The board's service level: answered within this many seconds. */
  RELAY_SERVICE_LEVEL_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** The company's OpenID Connect provider (its issuer URL); with it people sign in with their company account. */
  RELAY_OIDC_ISSUER: z.url().optional(),
  RELAY_OIDC_CLIENT_ID: z.string().min(1).optional(),
  RELAY_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** A JSON file mapping the provider's groups to roles and queues (IdentityRoles). */
  RELAY_OIDC_ROLES_FILE: z.string().optional(),
  /** The address browsers reach the agent port at: the provider sends them back to <this>/auth/callback. */
  RELAY_PUBLIC_URL: z.url().optional(),
  /** How long a company sign-in's relay token lives before the desk or board renews it. */
  RELAY_SESSION_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  /** PostgreSQL for the team's call records; migrations run at start. */
  RELAY_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'RELAY_DATABASE_URL: postgres://user:password@host:5432/database')
    .optional(),
});

/** The company sign-in's settings when RELAY_OIDC_ISSUER is set; exits naming what else it needs. */
function companySignInOrExit(e: z.infer<typeof RelayEnv>): CompanySignInSettings | undefined {
  if (!e.RELAY_OIDC_ISSUER) return undefined;
  const missing = (
    ['RELAY_OIDC_CLIENT_ID', 'RELAY_OIDC_CLIENT_SECRET', 'RELAY_OIDC_ROLES_FILE', 'RELAY_PUBLIC_URL'] as const
  ).filter((name) => !e[name]);
  if (missing.length > 0) {
    console.error(`The company sign-in (RELAY_OIDC_ISSUER) also needs ${missing.join(', ')}.`);
    process.exit(2);
  }
  return {
    issuer: e.RELAY_OIDC_ISSUER,
    clientId: e.RELAY_OIDC_CLIENT_ID!,
    clientSecret: e.RELAY_OIDC_CLIENT_SECRET!,
    publicUrl: e.RELAY_PUBLIC_URL!,
    roles: fileOrExit(IdentityRoles, e.RELAY_OIDC_ROLES_FILE, 'company roles')!,
    sessionMinutes: e.RELAY_SESSION_MINUTES,
  };
}

/** A JSON settings file, checked; exits with the file's mistakes in plain words. */
function fileOrExit<T extends z.ZodType>(schema: T, path: string | undefined, what: string): z.infer<T> | undefined {
  if (!path) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    console.error(`The ${what} file ${path} could not be read as JSON: ${errorText(error)}`);
    process.exit(2);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  console.error(`The ${what} file ${path} needs fixing:`);
  for (const issue of parsed.error.issues) console.error(`  - ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  process.exit(2);
}

const TokenEnv = z.object({
  RELAY_AGENT_SECRET: z.string().min(16, 'RELAY_AGENT_SECRET: at least 16 characters; signs agent tokens'),
  /** How long a token is valid: a shift by default. */
  RELAY_TOKEN_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /** When set, a supervisor's --queues are checked against it. */
  RELAY_QUEUES_FILE: z.string().optional(),
});

const RevokeEnv = z.object({
  RELAY_PREFIX: z.string().default('wa-relay'),
});

/** Registering a Janus signs it with the admin key, which relays check before sending it their API secret. */
const JanusEnv = RevokeEnv.extend({
  RELAY_JANUS_ADMIN_KEY: z.string().min(16, 'RELAY_JANUS_ADMIN_KEY: the AudioBridge admin key the relays hold'),
});

/** REDIS_URL, or Redis Sentinel's settings; exits with what is wrong in plain words. */
function redisOrExit(what: string): RedisTarget {
  const target = redisTargetFromEnv(process.env);
  if (typeof target !== 'string') return target;
  console.error(`${what} needs these settings:\n  - ${target}`);
  process.exit(2);
}

function envOrExit<T extends z.ZodType>(schema: T, what: string): z.infer<T> {
  const env = schema.safeParse(process.env);
  if (env.success) return env.data;
  console.error(`${what} needs these settings:`);
  for (const line of envProblems(env.error.issues, process.env)) console.error(`  - ${line}`);
  process.exit(2);
}

/**
 * `npm run relay`: one relay instance (run several behind a load balancer, all on one Redis).
 * `npm run relay -- token <agent-id>` prints a sign-in token for an agent's desktop;
 * `token --supervisor <name> [--queues a,b]` one for the supervisor board, limited to those queues;
 * `token --admin <name>` an admin's board token (every queue, and the audit trail).
 * `npm run relay -- revoke <agent-id>` refuses every token that agent holds now (and drops their desk).
 * `npm run relay -- janus list|add|drain|remove [ws://…]` shows or changes the team's Janus instances.
 * `npm run relay -- move-keys` renames the team's Redis keys from before the hash tag (untaggedKeys), relays stopped.
 */
async function main(): Promise<void> {
  const [command, agentId] = process.argv.slice(2);
  if (command === 'token') {
    const { supervisor, admin, name, queues } = parseTokenArgs(process.argv.slice(3));
    const t = envOrExit(TokenEnv, 'Issuing a token');
    const unknown = unknownQueues(queues, fileOrExit(TeamQueues, t.RELAY_QUEUES_FILE, 'queues'));
    if (unknown.length > 0) throw new Error(`The queues file has no queue ${unknown.join(', ')}.`);
    const lifetimeMs = t.RELAY_TOKEN_HOURS * 3600_000;
    console.log(
      supervisor
        ? await issueSupervisorToken(name, t.RELAY_AGENT_SECRET, {
            lifetimeMs,
            queues,
            role: admin ? 'admin' : 'supervisor',
          })
        : await issueAgentToken(name, t.RELAY_AGENT_SECRET, { lifetimeMs }),
    );
    if (supervisor)
      console.error(queues ? `This board sees queues ${queues.join(', ')} only.` : 'This board sees every queue.');
    return;
  }
  if (command === 'revoke') {
    if (!agentId) throw new Error('usage: REDIS_URL=… npm run relay -- revoke <agent-id>');
    const r = envOrExit(RevokeEnv, 'Revoking a token');
    const redis = openRedis(redisOrExit('Revoking a token'), { maxRetriesPerRequest: 2 });
    await createRevocations(redis, deploymentKeyPrefix(r.RELAY_PREFIX)).revoke(agentId);
    redis.disconnect();
    console.log(`Every token issued to ${agentId} until now is refused; their desk or board is signed out within 5 s.`);
    return;
  }
  if (command === 'move-keys') {
    const r = envOrExit(RevokeEnv, 'Moving the team’s Redis keys');
    const redis = openRedis(redisOrExit('Moving the team’s Redis keys'), { maxRetriesPerRequest: 2 });
    try {
      const { moved, kept } = await moveUntaggedKeys(redis, r.RELAY_PREFIX);
      console.log(`${moved} keys now start with ${deploymentKeyPrefix(r.RELAY_PREFIX)}:.`);
      if (kept.length > 0)
        throw new Error(
          `${kept.length} keys were left under their old names, their new names being taken (a relay of this version ran meanwhile?): ${kept.slice(0, 5).join(', ')}. Stop every relay, delete the new ones with redis-cli if the old are right, and run move-keys again.`,
        );
    } finally {
      redis.disconnect();
    }
    return;
  }
  if (command === 'janus') {
    const url = process.argv[4];
    const action = agentId;
    const r = envOrExit(JanusEnv, 'Changing the team’s Janus instances');
    const redis = openRedis(redisOrExit('Changing the team’s Janus instances'), { maxRetriesPerRequest: 2 });
    try {
      const registry = createJanusRegistry(redis, deploymentKeyPrefix(r.RELAY_PREFIX), r.RELAY_JANUS_ADMIN_KEY);
      if (action === 'list') {
        for (const [at, entry] of await registry.list())
          console.log(`${at}  ${entry.state} since ${new Date(entry.sinceMs).toISOString()}`);
        return;
      }
      if (!url || !['add', 'drain', 'remove'].includes(action ?? ''))
        throw new Error(
          'usage: REDIS_URL=… npm run relay -- janus list | add <ws://…> | drain <ws://…> | remove <ws://…>',
        );
      if (action === 'add') await registry.add(url);
      else if (action === 'drain') await registry.drain(url);
      else if (!(await registry.remove(url))) throw new Error(`${url} is not one of the team’s Janus instances.`);
      console.log(
        action === 'add'
          ? `Every relay connects to ${url} within a few seconds and gives it new anchored calls.`
          : action === 'drain'
            ? `${url} takes no new calls; its calls go on. Remove it once the board shows none.`
            : `${url} is no longer used; relays let it go once its last call ends (remove it from RELAY_JANUS_URLS too).`,
      );
    } finally {
      redis.disconnect();
    }
    return;
  }
  const e = envOrExit(RelayEnv, 'The relay');
  const redisTarget = redisOrExit('The relay');
  const queues = fileOrExit(TeamQueues, e.RELAY_QUEUES_FILE, 'queues');
  const extraNumbers = fileOrExit(ExtraNumbers, e.RELAY_NUMBERS_FILE, 'numbers');
  const companySignIn = companySignInOrExit(e);
  const turn = turnSettingsFromEnv(process.env);
  const logger = createLogger({
    secrets: () =>
      [
        e.WA_ACCESS_TOKEN,
        e.WA_APP_SECRET,
        e.RELAY_AGENT_SECRET,
        e.RELAY_DATABASE_URL ?? '',
        e.RELAY_OIDC_CLIENT_SECRET ?? '',
        turn?.secret ?? '',
        process.env.REDIS_PASSWORD ?? '',
        process.env.REDIS_SENTINEL_PASSWORD ?? '',
        ...(extraNumbers ?? []).map((n) => n.accessToken),
      ].filter(Boolean),
  });
  const relay = await startRelay({
    ...('url' in redisTarget ? { redisUrl: redisTarget.url } : { redisSentinel: redisTarget.sentinel }),
    accessToken: e.WA_ACCESS_TOKEN,
    phoneNumberId: e.WA_PHONE_NUMBER_ID,
    appSecret: e.WA_APP_SECRET,
    verifyToken: e.WA_VERIFY_TOKEN,
    agentSecret: e.RELAY_AGENT_SECRET,
    previousAgentSecrets: e.RELAY_AGENT_SECRET_PREVIOUS?.split(',').filter(Boolean),
    routing: e.RELAY_ROUTING,
    webhookPort: e.RELAY_WEBHOOK_PORT,
    agentPort: e.RELAY_AGENT_PORT,
    host: e.RELAY_HOST,
    trustedProxies: e.RELAY_TRUSTED_PROXIES?.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    graphBaseUrl: e.WA_GRAPH_BASE_URL,
    permissionTemplate: e.WA_PERMISSION_TEMPLATE
      ? { name: e.WA_PERMISSION_TEMPLATE, language: e.WA_PERMISSION_TEMPLATE_LANGUAGE }
      : undefined,
    prefix: e.RELAY_PREFIX,
    metricsToken: e.RELAY_METRICS_TOKEN,
    queues,
    phoneNumberName: e.WA_PHONE_NUMBER_NAME,
    extraNumbers,
    databaseUrl: e.RELAY_DATABASE_URL,
    serviceLevelSec: e.RELAY_SERVICE_LEVEL_SECONDS,
    forgetAgentsAfterDays: e.RELAY_FORGET_AGENTS_AFTER_DAYS,
    afterCallSeconds: e.RELAY_AFTER_CALL_SECONDS,
    colleagueRingSeconds: e.RELAY_COLLEAGUE_RING_SECONDS,
    notReadyReasons: e.RELAY_NOT_READY_REASONS?.split(',').map((r) => r.trim()),
    janusUrls: e.RELAY_JANUS_URLS?.split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    janusAccess:
      e.RELAY_JANUS_API_SECRET && e.RELAY_JANUS_ADMIN_KEY
        ? { apiSecret: e.RELAY_JANUS_API_SECRET, adminKey: e.RELAY_JANUS_ADMIN_KEY }
        : undefined,
    janusHoldMusic: e.RELAY_JANUS_HOLD_MUSIC,
    janusRecordingDir: e.RELAY_JANUS_RECORDING_DIR,
    janusConsentNotice: e.RELAY_JANUS_CONSENT_NOTICE,
    companySignIn,
    turn,
    logger,
  });
  logger.info('relay ready', {
    instance: relay.instance,
    webhook: relay.webhookUrl,
    agents: relay.agentUrl,
    routing: queues ? `queues: ${queues.queues.map((q) => q.id).join(', ')}` : e.RELAY_ROUTING,
  });
  stopOnSignals(() => relay.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
