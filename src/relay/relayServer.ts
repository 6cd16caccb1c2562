import { bearerToken } from './bearerToken';
import { join, resolve } from 'node:path';
import { DEFAULT_WRAP_UP_CODES } from '../shared/historySchemas';
import { randomBytes } from 'node:crypto';
import { createAccountAlertStore } from './accountAlertStore';
import { createGraphClient } from '../whatsapp/graphClient';
import type { Logger } from '../whatsapp/logger';
import { startWebhookServer, type WebhookServer } from '../whatsapp/webhookServer';
import { createCallEventFilter } from '../whatsapp/callEventFilter';
import type { Clocks } from '../whatsapp/arrivalClock';
import { createRelayMetrics } from './metrics';
import { createOpsRoute } from './opsRoute';
import { createAgentGateway, type AgentConnectionSettings } from './agentGateway';
import { signingKey, verifyAgentToken, verifySupervisorToken } from './agentTokens';
import { createBoardRoute } from './board/boardRoute';
import { turnCredentials, turnRenewalMs, type TurnSettings } from './turnCredentials';
import { createBoardSource } from './board/boardSource';
import { DEFAULT_THRESHOLDS, type BoardThresholds } from '../shared/boardTiles';
import { createMediaRoute } from './mediaRoute';
import { createBus } from './bus';
import { createCallRequests } from './callRequests';
import { createColleagueRings } from './colleagueRings';
import { createDueSteps } from './dueSteps';
import { createCallStore } from './callStore';
import { createRelayLimits, type RelayLimitSettings } from './limits';
import { createPresence } from './presence';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import { hasUntaggedKeys, untaggedKeysProblem } from './untaggedKeys';
import { createRevocations } from './revocations';
import { createQueueRouter } from './queueRouter';
import { createQueueTurnAway } from './queueTurnAway';
import { createLiveQueues } from './liveQueues';
import { createAnchoredCalls } from './media/anchoredCalls';
import { createBotCalls } from './bots/botCalls';
import { createBotRoute } from './bots/botRoute';
import { createBotSessions } from './bots/botSessions';
import { createCallSurveys } from './surveys/callSurveys';
import { createQueueCallbacks } from './callbacks/queueCallbacks';
import { createTeamStore } from './team/teamStore';
import { routingGroups } from './team/routingGroups';
import { countByState, createTeamFloor, DEFAULT_NOT_READY_REASONS } from './team/teamFloor';
import { createTeamSettingsStore } from './admin/teamSettingsStore';
import { createTeamQueuesStore } from './admin/teamQueuesStore';
import { createTeamData } from './admin/teamData';
import { createRetentionSweeper } from './admin/retentionSweeper';
import { forgetCustomerInRedis } from './admin/forgetInRedis';
import type { ErasedCustomer, RetentionPolicy } from '../shared/retention';
import { agentsOn } from './team/callParties';
import { ownerOf, whisperRefusal } from './team/teamModel';
import type { JanusAccess } from './media/janusAccess';
import type { RelayBusMessage } from '../shared/relayProtocol';
import { errorText } from '../shared/errorText';
import { createBusinessNumbers } from './businessNumbers';
import type { ExtraNumbers } from '../shared/relayNumbers';
import { createTeamRecords } from './records/teamRecords';
import { createRouteStore } from './routeStore';
import { createRouter, type CallRouter, type Routing } from './routing';
import { callWaitingFor, queueNamesOf, type TeamQueues } from '../shared/teamQueues';
import { createWebhookIntake } from './webhookIntake';
import { createTeamLease } from './teamLease';
import { openRedis, targetHasPassword, type RedisSentinelTarget, type RedisTarget } from './redisConnection';
import { companySignInOff } from './identity/companySignInOff';
import { createCompanySignIn, type CompanySignInSettings } from './identity/companySignIn';
import { createSignInStore } from './identity/signInStore';
import { createAuditTrail } from './audit/auditTrail';
import type { AuditEntry } from '../shared/auditSchemas';

/** How often the lease holder looks for desks that went with their relay instance. */
const LAPSED_SWEEP_MS = 3000;
/** How long after Redis refused to index agents again for new queues it is tried again. */
const REGROUP_RETRY_MS = 2000;

export type { Routing } from './routing';

export interface RelayOptions {
  /** One Redis (`redis://…`, REDIS_URL); or `redisSentinel`. */
  redisUrl?: string;
  /** A Redis primary found through Sentinel (REDIS_SENTINELS): every connection follows its failovers. */
  redisSentinel?: RedisSentinelTarget;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  phoneNumberId: string;
  /** Signs and checks agents' tokens. */
  agentSecret: string;
  /** Secrets being rotated out: tokens they signed are still accepted until they expire. */
  previousAgentSecrets?: string[];
  /** The team's TURN servers: signed-in desks and supervisors get time-limited credentials for them. */
  turn?: TurnSettings;
  graphBaseUrl?: string;
  /** The approved call-permission template for customers outside the 24-hour window. */
  permissionTemplate?: { name: string; language: string };
  routing?: Routing;
  webhookPort?: number;
  agentPort?: number;
  host?: string;
  logger: Logger;
  /** The deployment's name (RELAY_PREFIX): its Redis keys start with `{prefix}:`, so deployments can share a Redis. */
  prefix?: string;
  limits?: RelayLimitSettings;
  /** Connection caps and deadlines of the agent port (defaults in agentGateway.ts). */
  agentConnections?: AgentConnectionSettings;
  /**
   * Reverse proxies in front of both ports, by their own address (RELAY_TRUSTED_PROXIES): not capped per address,
   * and their X-Forwarded-For names a webhook's client. Nobody else's X-Forwarded-For is believed.
   */
  trustedProxies?: string[];
  /** When set, GET /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /**
   * Queues with skills (RELAY_QUEUES_FILE); without them every call rings the whole team (`routing`). With the call
   * records, the members, levels and ringing an admin saves on the board replace the file's (the file is the seed).
   */
  queues?: TeamQueues;
  /** The board's service level: the share of calls answered within this many seconds (20 by default). */
  serviceLevelSec?: number;
  /** Where the built supervisor board page is (out/board by default). */
  boardDir?: string;
  /** PostgreSQL for the team's lasting call records (postgres://…); without it the relay keeps none. */
  databaseUrl?: string;
  /** What agents see as the first number's name when the relay has several (WA_PHONE_NUMBER_NAME). */
  phoneNumberName?: string;
  /** More business numbers, each with its own token (RELAY_NUMBERS_FILE). */
  extraNumbers?: ExtraNumbers;
  /** Janus WebSocket addresses for queues that anchor their media (RELAY_JANUS_URLS). */
  janusUrls?: string[];
  /** The API secret and AudioBridge admin key those Janus instances are configured with (required with them). */
  janusAccess?: JanusAccess;
  /**
   * Anchored calls are recorded into this folder by Janus (on its machines; the relay reads the files from the same
   * path to play them to supervisors), after the consent notice (RELAY_JANUS_RECORDING_DIR).
   */
  janusRecordingDir?: string;
  /** The consent notice played to the customer before recording: an Ogg Opus file (RELAY_JANUS_CONSENT_NOTICE). */
  janusConsentNotice?: string;
  /** Hold music Janus plays to customers on hold (an Ogg Opus file on the Janus machines; RELAY_JANUS_HOLD_MUSIC). */
  janusHoldMusic?: string;
  /**
   * How long the relay holds an agent in after-call work for an unsaved wrap-up (RELAY_AFTER_CALL_SECONDS). Unset:
   * until the desk saves it or says it has none; 0: not held at all.
   */
  afterCallSeconds?: number;
  /** How long a colleague's transfer or conference ring lasts unanswered (RELAY_COLLEAGUE_RING_SECONDS; 30). */
  colleagueRingSeconds?: number;
  /** The reasons an agent may give for not being ready (RELAY_NOT_READY_REASONS). */
  notReadyReasons?: string[];
  /** Agents not signed in for this many days leave the team's known set (RELAY_FORGET_AGENTS_AFTER_DAYS; 30). */
  forgetAgentsAfterDays?: number;
  /** Time between retention sweeps (a day; tests shorten it). */
  retentionSweepMs?: number;
  /** How long the team lease of the team-wide metrics lasts without renewal (15 s; tests shorten it). */
  teamMetricsLeaseMs?: number;
  /** Sign-in with the company's OpenID Connect provider (RELAY_OIDC_*); without it only command-line tokens. */
  companySignIn?: CompanySignInSettings;
  /** Tests only: the clock queue routing reads. */
  routingClock?: () => number;
  /** Tests only: the wall and monotonic clocks that judge whether a webhook came too late. */
  webhookClocks?: Clocks;
}

/**
 * One relay instance: takes Meta's webhooks, keeps the Graph token, and offers calls to agents' desktops
 * over authenticated WebSockets. Everything shared between instances lives in Redis: event de-duplication,
 * call records, the atomic answer claim, agent presence, and the instances' bus (a Redis stream).
 */
export async function startRelay(options: RelayOptions) {
  const log = options.logger;
  /** The deployment's name (RELAY_PREFIX), as WhatsApp echoes it in each call's data. */
  const deployment = options.prefix ?? 'wa-relay';
  /** Every Redis key of the deployment starts with this (one Cluster slot per deployment). */
  const prefix = deploymentKeyPrefix(deployment);
  const keys = relayKeys(prefix);
  const instance = randomBytes(6).toString('hex');
  const host = options.host ?? '127.0.0.1';
  if (!options.redisUrl && !options.redisSentinel)
    throw new Error('The relay needs Redis: set REDIS_URL or REDIS_SENTINELS.');
  const target: RedisTarget = options.redisSentinel ? { sentinel: options.redisSentinel } : { url: options.redisUrl! };
  const redis = openRedis(target, { maxRetriesPerRequest: 2, lazyConnect: true });
  const subscriber = openRedis(target, { lazyConnect: true });
  for (const client of [redis, subscriber])
    client.on('error', (error: Error) => log.warn('redis connection problem', { error: error.message }));
  await redis.connect();
  await subscriber.connect();
  if (await hasUntaggedKeys(redis, deployment)) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error(untaggedKeysProblem(deployment));
  }
  if (!targetHasPassword(target))
    log.warn(
      'Redis is reached without a password: anyone who reaches it (another user of this machine, another container) can change the team’s state. Set requirepass and put the password in REDIS_URL (or REDIS_PASSWORD with Sentinel).',
    );

  const graph = createGraphClient({
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    baseUrl: options.graphBaseUrl,
    permissionTemplate: options.permissionTemplate,
  });
  const store = createCallStore(redis, keys, instance);
  const accountAlerts = createAccountAlertStore(redis, prefix);
  const numbers = createBusinessNumbers(
    [
      { phoneNumberId: options.phoneNumberId, name: options.phoneNumberName, graph },
      ...(options.extraNumbers ?? []).map((n) => ({
        phoneNumberId: n.phoneNumberId,
        name: n.name,
        graph: createGraphClient({
          accessToken: n.accessToken,
          phoneNumberId: n.phoneNumberId,
          baseUrl: options.graphBaseUrl,
        }),
      })),
    ],
    store,
  );
  const teamRecords = options.databaseUrl
    ? createTeamRecords({ databaseUrl: options.databaseUrl, redis, prefix, log })
    : undefined;
  const records = teamRecords?.recorder;
  const presence = createPresence(redis, keys);
  const bus = createBus(redis, subscriber, keys.bus, log);
  // WATCH belongs to a connection: the team model's transactions get one of their own.
  const teamRedis = redis.duplicate();
  teamRedis.on('error', (error: Error) => log.warn('redis connection problem', { error: error.message }));
  // The one holder of the queues in force: every part below asks it, so an admin's change needs no restart.
  const liveQueues = createLiveQueues(options.queues);
  const queuesNow = () => liveQueues.current()!;
  const teamQueues = teamRecords && createTeamQueuesStore(teamRecords.db, log);
  // A restart routes by the admin's saved queues from its first call; the file only until a version is saved (or
  // while PostgreSQL does not answer: the watch below applies it once it does).
  const savedQueues = liveQueues.enabled() ? await teamQueues?.latest().catch(() => undefined) : undefined;
  const startedOn = savedQueues && liveQueues.applyLayout(savedQueues.layout);
  if (startedOn && 'problems' in startedOn)
    log.error('saved queues do not fit the queues file; the file’s are in force', { ...startedOn });
  const team = createTeamStore(teamRedis, prefix, (agentId) => routingGroups(liveQueues.current())(agentId));
  // Agents indexed by the file's queues (before the first saved version reached this Redis) are put right.
  if (startedOn && !('problems' in startedOn)) regroupSince(routingGroups(options.queues), savedQueues.version);
  const liveReasons = [...(options.notReadyReasons ?? DEFAULT_NOT_READY_REASONS)];
  /** The team's wrap-up codes once an admin set them (undefined: each desk keeps its own). */
  let liveWrapUpCodes: string[] | undefined;
  let liveThresholds: BoardThresholds = DEFAULT_THRESHOLDS;
  const floor = createTeamFloor({
    team,
    bus,
    log,
    alive: (ids) => presence.alive(ids),
    // The floor reads this list each time; an admin's change is spliced into it (below), so no restart is needed.
    notReadyReasons: liveReasons,
    afterCallMs: options.afterCallSeconds === undefined ? undefined : options.afterCallSeconds * 1000,
    records,
  });
  const anchoredQueues = (options.queues?.queues ?? []).filter((q) => q.media === 'anchored').map((q) => q.id);
  if (anchoredQueues.length > 0 && !options.janusUrls?.length)
    throw new Error(
      `Queue ${anchoredQueues.join(', ')} anchors its media on Janus: set RELAY_JANUS_URLS (ws://host:8188, comma-separated).`,
    );
  // Customers wait in Janus's hold room during a hold, a consult, and once a bot hands their call over.
  if (anchoredQueues.length > 0 && !options.janusHoldMusic)
    log.warn(
      `Queue ${anchoredQueues.join(', ')} anchors its media but RELAY_JANUS_HOLD_MUSIC is not set: customers on hold, in a consult or handed over by a bot will hear silence.`,
    );
  if (anchoredQueues.length > 0 && !options.janusAccess)
    throw new Error(
      'Anchored media needs the secrets your Janus is configured with: set RELAY_JANUS_API_SECRET and RELAY_JANUS_ADMIN_KEY.',
    );
  if (options.janusRecordingDir && !options.janusConsentNotice)
    throw new Error(
      'Recording anchored calls needs a consent notice played to the customer first: set RELAY_JANUS_CONSENT_NOTICE (an Ogg Opus file).',
    );
  const anchored =
    anchoredQueues.length > 0
      ? await createAnchoredCalls({
          urls: options.janusUrls!,
          access: options.janusAccess!,
          redis,
          prefix,
          instance,
          log,
          holdMusicFile: options.janusHoldMusic,
          recording: options.janusRecordingDir
            ? {
                dir: options.janusRecordingDir,
                consentNotice: options.janusConsentNotice!,
                onRecording: (callId, file) =>
                  records?.record({ kind: 'room_recording', callId, file, atMs: Date.now() }),
              }
            : undefined,
          onCallLost: (callId) => endLostCall(callId),
        })
      : undefined;
  const routes = options.queues ? createRouteStore(redis, keys) : undefined;

  /**
   * The media server of an anchored call went away: the call is ended on WhatsApp (terminate once answered, reject
   * while it rings) and its agents are told why.
   */
  async function endLostCall(callId: string): Promise<void> {
    const [offer, owner, accepted] = await Promise.all([
      store.offer(callId),
      store.owner(callId),
      store.wasAccepted(callId),
    ]);
    const graphOfCall = await numbers.graphFor(callId);
    if (owner || accepted) await graphOfCall.terminate(callId);
    else await graphOfCall.reject(callId);
    await store.endActive(callId);
    await floor.apply({ kind: 'end', callId });
    await bus.publish({
      kind: 'event',
      callId,
      event: {
        type: 'call_terminated',
        callId,
        from: offer?.from ?? '',
        status: 'FAILED',
        errors: [
          { code: 0, message: 'The team’s media server stopped, so the call was ended. Call the customer back' },
        ],
      },
    });
    log.error('anchored call ended: its media server is gone', { callId });
  }
  // Queues whose bot answers first: the bot is one more party of the call's room on Janus.
  const botSessions =
    anchored && options.queues?.queues.some((q) => q.bot || q.handBack.length > 0)
      ? createBotSessions(redis, prefix)
      : undefined;
  // When a bot's turn runs out (its queue's maxSeconds): any instance ends it, the bot's own may die meanwhile.
  const botTurns = botSessions && createDueSteps(redis, keys.botTurnsDue, log, 'a bot’s turn past its limit');
  const bots =
    botSessions &&
    createBotCalls({
      sessions: botSessions,
      turnLimits: botTurns,
      anchored: anchored!,
      store,
      floor,
      queues: () => queuesNow().queues,
      graphFor: numbers.graphFor,
      enqueue: (callId, queueId): Promise<void> => queueRouter!.enqueue(callId, queueId),
      bus,
      team: deployment,
      onNote: (callId, note, transcript) =>
        records?.record({ kind: 'assistant', callId, ...note, transcript, atMs: Date.now() }),
      // Created below; read only once a bot takes a call.
      metrics: () => metrics,
      records,
      log,
    });
  // A bot's leg taken over from an instance that died is looked after here from now on.
  if (bots) anchored!.onBotAdopted((callId) => void bots.adopt(callId));
  const botRoute =
    bots && createBotRoute({ queues: queuesNow, sessions: botSessions!, escalate: bots.escalate, end: bots.end, log });
  // Queues with business hours or a maximum wait: calls they will not take are ended on WhatsApp, with their message.
  // Queues that offer a callback when they turn a call away: the callbacks wait in Redis for a free agent.
  const callbacks = options.queues
    ? createQueueCallbacks({
        redis,
        prefix,
        queues: () => queuesNow().queues,
        graphFor: numbers.graphFor,
        floor,
        bus,
        records,
        metrics: () => metrics,
        log,
        now: options.routingClock,
      })
    : undefined;
  const turnAway = createQueueTurnAway({
    store,
    graphFor: numbers.graphFor,
    records,
    log,
    metrics: () => metrics,
    callbacks,
  });
  const queueRouter = options.queues
    ? createQueueRouter({
        queues: queuesNow,
        store,
        routes: routes!,
        floor,
        bus,
        log,
        now: options.routingClock,
        anchor: anchored && ((callId, sdpOffer) => anchored.open(callId, sdpOffer)),
        decline: async (callId) => {
          await (await numbers.graphFor(callId)).reject(callId);
        },
        startBot: bots?.start,
        turnAway,
        assistantOf: bots?.note,
      })
    : undefined;
  const router: CallRouter =
    queueRouter ?? createRouter({ routing: options.routing ?? 'ring_all', store, floor, bus, log });
  const limits = createRelayLimits(redis, prefix, options.limits);
  // Set once listening; read before that by the metrics and readiness checks.
  let webhook: WebhookServer | undefined = undefined;
  let subscribed = false;
  const redisUp = () =>
    Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
    ]);
  // One instance at a time exports the team-wide gauges (agents by state, records waiting).
  const teamLease = createTeamLease(redis, `${prefix}:metrics-lease`, instance, options.teamMetricsLeaseMs ?? 15_000);
  const metrics = createRelayMetrics({
    // The queues in force now: an admin's board adds and removes them without a restart.
    queues: options.queues && (() => queuesNow().queues.map((q) => q.id)),
    botQueues: bots && options.queues!.queues.filter((q) => q.bot || q.handBack.length > 0).map((q) => q.id),
    exportsTeamFigures: teamLease.held,
    queueWaits: routes && (() => queueWaits(routes)),
    // Any queue may offer callbacks: an admin's hours or maximum wait can turn the action on without a restart.
    callbackQueues: callbacks && (() => queuesNow().queues.map((q) => q.id)),
    callbacksWaiting: callbacks && (() => callbacks.countsByQueue()),
    agentsByStatus: async () => countByState(await floor.agents()),
    redisUp,
    webhooksRefused: () => webhook?.status().rejectedCount ?? 0,
    openConnections: () => ({ webhook: webhook?.openConnections() ?? 0, agent: gateway.openConnections() }),
    postgresUp: teamRecords && (() => teamRecords.healthy()),
    recordsWaiting: teamRecords && (() => teamRecords.outbox.pending()),
  });
  const opsRoute = createOpsRoute({
    registry: metrics.registry,
    metricsToken: options.metricsToken,
    async notReady() {
      if (!webhook) return 'the webhook server is not listening yet';
      if (!(await redisUp())) return 'Redis does not answer';
      if (!subscribed || subscriber.status !== 'ready') return 'not subscribed to the relay bus';
      return undefined;
    },
  });
  const colleagueRings = createColleagueRings(redis, keys.colleagueRingsDue, log);
  const requests = createCallRequests({
    graph,
    graphFor: numbers.graphFor,
    store,
    floor,
    router,
    bus,
    limits,
    metrics,
    records,
    anchored,
    team: deployment,
    handToBot: bots?.handBack,
    ...(options.colleagueRingSeconds !== undefined && { colleagueRingMs: options.colleagueRingSeconds * 1000 }),
    colleagueRings,
    wrapUpCodes: () => liveWrapUpCodes,
    callbacks,
  });
  const signingKeys = [options.agentSecret, ...(options.previousAgentSecrets ?? [])].map(signingKey);
  const revocations = createRevocations(redis, prefix);
  const mediaRoute = createMediaRoute({
    async signedInAgent(authorization) {
      const check = await verifyAgentToken(bearerToken(authorization), signingKeys);
      if (!check.ok) return { refused: check.reason };
      if (await revocations.isRevoked(check.agentId, check.issuedAtMs)) return { refused: 'agent token revoked' };
      return { agentId: check.agentId };
    },
    store,
    download: async (notice, maxBytes) =>
      (await numbers.graphFor(notice.callId)).downloadMedia(notice.mediaId, notice.url, maxBytes),
    log,
  });
  const auditTrail = teamRecords && createAuditTrail(teamRecords.db, log);
  const teamSettings = teamRecords && createTeamSettingsStore(teamRecords.db, log);
  const teamData =
    teamRecords &&
    createTeamData({
      query: teamRecords.db.query,
      changes: teamRecords.db.changes,
      recordingsDir: options.janusRecordingDir,
    });
  /** The admin's retention policy in force, and the customers desks are to forget: both in every welcome. */
  let liveRetention: RetentionPolicy | undefined;
  let liveErasures: ErasedCustomer[] = [];
  /** Without PostgreSQL the audit trail is the log's. */
  const audit = (entry: AuditEntry): void =>
    void (auditTrail ? auditTrail.write(entry) : Promise.resolve(log.info('audit', { ...entry })));
  const companySignIn =
    options.companySignIn &&
    createCompanySignIn({
      settings: options.companySignIn,
      store: createSignInStore(redis, prefix, 12 * 3600),
      agentSecret: options.agentSecret,
      signingKeys,
      revocations,
      trustedProxies: options.trustedProxies,
      log,
      onEvent: ({ name, role, from, ...event }) =>
        audit({ actor: name ?? 'unknown', role: role ?? 'none', ...event, source: from }),
    });
  const turn = options.turn;
  const iceServersFor = turn ? (who: string) => [turnCredentials(turn, who)] : undefined;
  const board = createBoardRoute({
    iceServersFor,
    source: createBoardSource({
      store,
      floor,
      routes,
      queues: liveQueues.current,
      db: teamRecords?.db,
      serviceLevelSec: options.serviceLevelSec ?? 20,
      log,
      accountAlerts,
      thresholds: () => liveThresholds,
      notReadyReasons: () => [...liveReasons],
      hoursClock: options.routingClock,
      heldByBots: botSessions && (() => botSessions.held()),
      callbacks: callbacks && (() => callbacks.waiting()),
    }),
    pageDir: options.boardDir ?? resolve('out/board'),
    async checkToken(token) {
      const check = await verifySupervisorToken(token, signingKeys);
      if (check.ok && (await revocations.isRevoked(check.agentId, check.issuedAtMs)))
        return { ok: false, reason: 'supervisor token revoked' };
      return check;
    },
    isKnownAgent: async (agentId) => (await redis.sismember(keys.agents, agentId)) === 1,
    audit,
    auditTrail,
    teamSettings,
    settingsBeforeAny: () => ({
      notReadyReasons: [...(options.notReadyReasons ?? DEFAULT_NOT_READY_REASONS)],
      wrapUpCodes: [...DEFAULT_WRAP_UP_CODES],
    }),
    queuesEditor: { store: teamQueues, live: liveQueues },
    teamData,
    onErased: () => void refreshErasures?.(),
    // Callbacks first, through their module: an agent offered one hears it withdrawn.
    forgetElsewhere: async (customer) =>
      ((await callbacks?.erase(customer)) ?? 0) + (await forgetCustomerInRedis(redis, prefix, keys, customer)),
    trustedProxies: options.trustedProxies,
    async roomRecording(callId) {
      const file = options.janusRecordingDir && (await teamRecords?.db.roomRecording(callId));
      // The name comes from our own records and is checked again: nothing outside the recordings folder is served.
      return file && /^[\w.-]+$/.test(file) ? join(options.janusRecordingDir!, file) : undefined;
    },
    listening: anchored && {
      async refusal(callId) {
        // The team model says whether the call is still on (an ended anchored call has no room to tell by).
        if ((await floor.call(callId))?.phase !== 'answered') return 'That call is not in progress any more.';
        if (!(await anchored.isAnchored(callId)))
          return 'This call’s audio goes straight to the agent’s desk, so it cannot be listened to: only calls in queues with anchored media can.';
        return undefined;
      },
      whispering: async (callId) => Boolean(await anchored.whispering(callId)),
      directCall: async (callId) =>
        (await floor.call(callId))?.phase === 'answered' && !(await anchored.isAnchored(callId)),
      async whisper(callId, listener, onEnded) {
        const call = await floor.call(callId);
        const refused = call ? whisperRefusal(call) : 'not_in_progress';
        if (refused) return refused;
        const whisperer = listener.split('/')[0]!;
        const result = await anchored.whisperToAgent(callId, listener, ownerOf(call!)!.id, () => {
          void tellPartiesOfSupervisor(callId, '').catch(() => undefined);
          onEnded();
        });
        if (result !== 'ok') return result;
        await tellPartiesOfSupervisor(callId, whisperer, true);
        return undefined;
      },
      offer: (callId, listener, onEnd) => anchored.offerForListener(callId, listener, onEnd),
      answer: (callId, listener, sdp) => anchored.answerListener(callId, listener, sdp),
      async setHeard(callId, listener, heard) {
        if (!(await anchored.setListenerHeard(callId, listener, heard))) return false;
        await tellPartiesOfSupervisor(callId, heard ? listener.split('/')[0]! : '');
        return true;
      },
      async stop(callId, listener) {
        // Agents were told of a barge: they hear that the supervisor left.
        if (await anchored.stopListening(callId, listener)) await tellPartiesOfSupervisor(callId, '');
      },
    },
    async setAgentStatus(agentId, status, by, reason) {
      const activity = floor.activityFor(status, status === 'away' ? reason : undefined);
      if (!activity) return false;
      await router.passOn(await floor.setActivity(agentId, activity), agentId);
      await bus.publish({
        kind: 'direct',
        callId: `status:${agentId}`,
        targets: [agentId],
        event: { type: 'status_set', status, by, ...(status === 'away' && reason !== undefined && { reason }) },
      });
      return true;
    },
    log,
  });
  const gateway = createAgentGateway({
    signingKeys,
    revocations,
    upgrade: board.upgrade,
    http: async (req, res) =>
      (await mediaRoute(req, res)) ||
      (await botRoute?.(req, res)) ||
      (await board.http(req, res)) ||
      (await (companySignIn ? companySignIn.http(req, res) : companySignInOff(req, res))) ||
      opsRoute(req, res),
    onGraphError: (code) => metrics.graphError(code),
    connections: { trustedProxies: options.trustedProxies, ...options.agentConnections },
    onConnectionRefused: (reason) => metrics.connectionRefused('agent', reason),
    wrapUpCodes: () => liveWrapUpCodes,
    callWaitingFor: (agentId) => callWaitingFor(liveQueues.current(), agentId),
    queueNamesFor: (agentId) => {
      const queues = liveQueues.current();
      return queues && queueNamesOf(queues, agentId);
    },
    teamDataPolicy: () => ({ retention: liveRetention, erasedCustomers: liveErasures }),
    iceServersFor,
    iceServersRenewalMs: turn && turnRenewalMs(turn),
    onSignIn: ({ agentId, ok, detail, from }) =>
      audit({
        actor: agentId ?? 'unknown',
        role: 'agent',
        action: ok ? 'sign_in' : 'sign_in_refused',
        detail,
        source: from,
      }),
    instance,
    presence,
    floor,
    store,
    router,
    requests,
    limits,
    log,
    records,
    anchored,
    accountAlerts: () => accountAlerts.list(),
  });
  // An admin's change of the team settings, on any instance, applies here as soon as PostgreSQL announces it.
  const stopSettings = teamSettings?.watch(({ version, settings }) => {
    liveReasons.splice(0, liveReasons.length, ...settings.notReadyReasons);
    liveWrapUpCodes = settings.wrapUpCodes;
    liveThresholds = settings.boardThresholds ?? DEFAULT_THRESHOLDS;
    // Queues' hours and maximum waits: the file's, until an admin sets them on the board.
    liveQueues.applyHours(settings.queueHours);
    liveRetention = settings.retention;
    gateway.welcomeAgain();
    log.info('team settings applied', { version });
  });
  // An admin's change of the queues, on any instance, applies here at once: agents whose queues changed are
  // indexed again for routing (their next call rings by the new queues; a call ringing or in progress goes on).
  const stopQueues =
    liveQueues.enabled() &&
    teamQueues?.watch(({ version, layout }) => {
      const applied = liveQueues.applyLayout(layout);
      if ('problems' in applied) {
        log.error('saved queues do not fit the queues file; the queues before stay', { version, ...applied });
        return;
      }
      regroupSince(routingGroups(applied.before), version);
      // Call waiting may have changed for some: every desk here hears its own again.
      gateway.welcomeAgain();
    });
  /** Indexes again agents whose groups moved since `before`; tried again while Redis does not answer. */
  function regroupSince(before: (agentId: string) => string[], version: number, tries = 1): void {
    team.regroup(before).then(
      (moved) => log.info('queues applied', { version, agentsMoved: moved }),
      (error: unknown) => {
        log.error('queues applied, agents not indexed again yet', { version, tries, error: errorText(error) });
        if (tries < 10) setTimeout(() => regroupSince(before, version, tries + 1), REGROUP_RETRY_MS).unref();
      },
    );
  }
  // Customers erased on any instance: desks here hear of it at once (and at every sign-in).
  const applyErasures = (erased: ErasedCustomer[]) => {
    liveErasures = erased;
    gateway.welcomeAgain();
  };
  const erasureError = (error: unknown) => log.debug('erased customers not read', { error: errorText(error) });
  const stopErasures = teamData?.watchErasures(applyErasures, erasureError);
  const refreshErasures = teamData && (() => teamData.erasures().then(applyErasures, erasureError));
  // Expired data goes once a day, swept by one instance at a time; the audit trail counts what went.
  const retentionSweeper =
    teamData &&
    createRetentionSweeper({
      redis,
      key: `${prefix}:retention-lease`,
      instance,
      policy: () => liveRetention,
      sweep: (policy, nowMs) => teamData.sweep(policy, nowMs),
      onSwept: (counts) =>
        audit({
          actor: `relay ${instance}`,
          role: 'none',
          action: 'retention_sweep',
          detail: `call records: ${counts.callRecords}, notes: ${counts.notes}, room recordings: ${counts.roomRecordings}, survey answers: ${counts.surveyAnswers}`,
          source: instance,
        }),
      log,
      everyMs: options.retentionSweepMs,
    });
  // Queues with a post-call survey: the customer rates the call on WhatsApp, kept with the call record.
  const surveys = options.queues?.queues.some((q) => q.survey)
    ? createCallSurveys({
        redis,
        prefix,
        queues: () => queuesNow().queues,
        graphFor: numbers.graphFor,
        records,
        log,
        tellAgent: (agentId, callId, score) =>
          bus.publish({ kind: 'direct', callId, targets: [agentId], event: { type: 'call_rated', callId, score } }),
      })
    : undefined;
  const intake = createWebhookIntake({
    numbers,
    store,
    floor,
    router,
    bus,
    log,
    metrics,
    records,
    surveys,
    callbacks,
    async onAccountAlert(received) {
      await accountAlerts.add(received);
      // Every desk shows it on its status line: the whole team is affected.
      await bus.publish({
        kind: 'team',
        callId: 'account',
        targets: [],
        event: { type: 'account_alert', alert: received.alert, phoneNumberId: received.phoneNumberId },
      });
    },
  });

  /**
   * Agents not signed in for `forgetAgentsAfterDays` leave the known set, so the floor read by the board and the
   * metrics stops growing with every agent who ever signed in. The instance holding the team lease does it, hourly.
   */
  function forgetLongGoneAgents() {
    const days = options.forgetAgentsAfterDays ?? 30;
    async function sweep(): Promise<void> {
      if (!teamLease.held()) return;
      try {
        const ids = await team.forgetSignedOutBefore(Date.now() - days * 24 * 3600_000);
        if (ids.length === 0) return;
        await redis
          .multi()
          .srem(keys.agents, ...ids)
          .zrem(keys.alive, ...ids)
          .del(...ids.map((id) => keys.agent(id)))
          .exec();
        log.info('agents not signed in for a while left the team’s known set', { agents: ids, days });
      } catch (error) {
        log.warn('long-gone agents not forgotten this time', { error: errorText(error) });
      }
    }
    const timer = setInterval(() => void sweep(), 3600_000);
    timer.unref();
    return { sweep, stop: () => clearInterval(timer) };
  }

  /** The lease holder signs out, every few seconds, desks whose instance died or stopped and that did not come back. */
  function signOutLapsedDesks() {
    const timer = setInterval(() => {
      if (!teamLease.held()) return;
      floor
        .signOutLapsed()
        .then((ids) => ids.length > 0 && log.info('desks gone with their relay instance signed out', { agents: ids }))
        .catch((error: unknown) => log.warn('lapsed desks not signed out', { error: errorText(error) }));
    }, LAPSED_SWEEP_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** Calls still waiting for an agent (not answered, not ended), per queue, with the oldest one's start. */
  async function queueWaits(routeStore: NonNullable<typeof routes>) {
    const open = await routeStore.waiting();
    const done = await Promise.all(
      open.map(async ({ callId }) => Boolean(await store.owner(callId)) || (await store.terminated(callId))),
    );
    const waits = new Map<string, { waiting: number; oldestSinceMs: number }>();
    open.forEach(({ route }, i) => {
      if (done[i]) return;
      const was = waits.get(route.queueId);
      waits.set(route.queueId, {
        waiting: (was?.waiting ?? 0) + 1,
        oldestSinceMs: Math.min(was?.oldestSinceMs ?? Infinity, route.startedAtMs),
      });
    });
    return waits;
  }

  /** Everyone on the call sees which supervisor is heard on it now (none: empty), and whether only by the agent. */
  async function tellPartiesOfSupervisor(callId: string, supervisor: string, whispering = false): Promise<void> {
    const parties = agentsOn(await floor.call(callId));
    await bus.publish({
      kind: 'direct',
      callId,
      targets: parties,
      event: { type: 'supervisor_on_call', callId, supervisor, ...(whispering && { whispering }) },
    });
  }

  /** This instance has the customer's leg: it moves it, and everyone on the call hears of it. */
  async function holdCustomerHere(callId: string, held: boolean, by: string): Promise<void> {
    if (!(await anchored!.holdCustomer(callId, held))) return;
    const applied = await floor.apply({ kind: 'hold', callId, held });
    const parties = agentsOn(applied.call ?? (await floor.call(callId)));
    await bus.publish({ kind: 'direct', callId, targets: parties, event: { type: 'customer_held', callId, held, by } });
  }

  /**
   * Each instance looks after its own legs of an anchored call: lets them go when the call is won elsewhere, passed
   * on, or over, moves the customer's, and turns a desk's up when another instance had WhatsApp accept the call.
   */
  function followAnchored(message: RelayBusMessage): void {
    const event = message.event;
    const done =
      event.type === 'call_taken'
        ? store.owner(event.callId).then((owner) => anchored!.dropAllBut(event.callId, owner))
        : event.type === 'call_terminated'
          ? anchored!.end(event.callId)
          : event.type === 'customer_hold_wanted'
            ? holdCustomerHere(event.callId, event.held, event.by)
            : event.type === 'desk_heard_wanted'
              ? anchored!.hearDeskHere(event.callId, event.agentId)
              : event.type === 'call_passed_on' || event.type === 'call_transferred'
                ? Promise.all((message.targets ?? []).map((agentId) => anchored!.dropDesk(event.callId, agentId)))
                : undefined;
    done?.catch((error: unknown) => log.warn('media server legs not released', { error: errorText(error) }));
  }

  await bus.subscribe((message) => {
    board.news(message.event);
    if (message.event.type === 'call_offered') numbers.noteCall(message.callId, message.event.phoneNumberId);
    if (anchored) followAnchored(message);
    bots?.follow(message);
    gateway
      .deliver(message)
      .catch((error: unknown) => log.error('bus message not delivered', { error: String(error) }));
  });
  subscribed = true;
  webhook = await startWebhookServer({
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    port: options.webhookPort ?? 0,
    host: options.host,
    logger: log,
    // A call Redis could not record is answered 503, so Meta delivers it again rather than it being lost.
    confirmBeforeReply: true,
    trustedProxies: options.trustedProxies,
    onConnectionRefused: (reason) => metrics.connectionRefused('webhook', reason),
    filter: createCallEventFilter({ ...options.webhookClocks, log, onStale: metrics.staleCallDropped }),
    onEvent: async (event) => {
      // Redis came back without its data: the desks here are signed in again before a call is routed.
      if (await floor.lost()) await gateway.reassert();
      return intake(event);
    },
  });
  const agentUrl = await gateway.listen(options.agentPort ?? 0, host);
  queueRouter?.start();
  callbacks?.start();
  colleagueRings.start();
  botTurns?.start();
  floor.start();
  await teamLease.start();
  const forgetting = forgetLongGoneAgents();
  await forgetting.sweep();
  const lapsedDesks = signOutLapsedDesks();
  await teamRecords?.start();
  retentionSweeper?.start();

  return {
    instance,
    webhookUrl: webhook.url,
    agentUrl,
    connectedAgents: gateway.connectedAgents,
    /** The team's call records, when kept (tests read and flush them). */
    records: teamRecords,
    async close(): Promise<void> {
      queueRouter?.stop();
      callbacks?.stop();
      colleagueRings.stop();
      botTurns?.stop();
      floor.stop();
      forgetting.stop();
      lapsedDesks.stop();
      await teamLease.stop();
      board.close();
      await gateway.close();
      await webhook.close();
      companySignIn?.close();
      stopSettings?.();
      if (stopQueues) stopQueues();
      stopErasures?.();
      await retentionSweeper?.stop();
      await teamRecords?.close();
      await anchored?.close();
      bus.stop();
      subscriber.disconnect();
      teamRedis.disconnect();
      redis.disconnect();
    },
  };
}

export type Relay = Awaited<ReturnType<typeof startRelay>>;
