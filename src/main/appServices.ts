import { deskRingLimitMs } from './deskRingLimit';
import { DEFAULT_FOLLOW_UP_TEXT, WrapUp } from '../shared/historySchemas';
import { agentSaid, agentSentence } from '../shared/agentErrors';
import { createWrapUp } from './wrapUp';
import { relayRefusalWithin } from './relayRefusalWithin';
import { createTeamDeskState } from './teamDeskState';
import { createCallMedia } from './callMedia';
import { followUpPayload } from '../shared/followUpButton';
import type { HoldMusicStore } from './holdMusicStore';
import type { AppStatus, EventChannel, EventPayload, InvokeHandlers, WebhookStatus } from '../shared/ipcContract';
import { errorText } from '../shared/errorText';
import { buildCallbackData } from '../shared/callbackData';
import { crmLink } from '../shared/crmLink';
import { isUserId } from '../shared/graphSchemas';
import { userInfo } from 'node:os';
import { accountAlertSentence, keepAlert, type ReceivedAccountAlert } from '../shared/accountAlerts';
import type { ConnectionTest } from '../shared/settingsSchemas';
import type { CallSignal } from '../shared/callSignals';
import type { Logger } from '../whatsapp/logger';
import type { TunnelProvider } from '../whatsapp/tunnel';
import { webhookCallbackUrl } from '../whatsapp/webhookServer';
import { createCallCoordinator } from './callCoordinator';
import { historyUpdateOf, type CallHistory } from './callHistory';
import type { Environment } from './config';
import type { ConnectionSettings, SettingsStore } from './settingsStore';
import { currentTransportActions, type CallTransport, type TransportContext } from './transport/callTransport';
import { openDirectTransport } from './transport/directTransport';
import { teamSummary } from './teamSummary';
import { openRelayTransport } from './transport/relayTransport';
import { applyTeamDataPolicy } from './teamDataPolicy';
import type { TeamDataPolicy } from '../shared/retention';
import { createDeskCompanySignIn } from './companySignIn/deskCompanySignIn';
import { ConnectionFields } from '../shared/settingsSchemas';
import { refuse, sentence, type Sentence } from '../shared/sentence';
import { createDeskTurn } from './deskTurn';
import { customerDigest } from '../whatsapp/customerDigest';

/** How long Save waits for the team relay's word on a wrap-up before closing it anyway (the relay gets it later). */
const RELAY_WRAP_UP_WAIT_MS = 3000;

/** Who answers at this computer, for the callback data WhatsApp echoes (direct mode has no agent sign-in). */
function deskUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export type EventSink = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

export interface AppServicesOptions {
  settings: SettingsStore;
  history: CallHistory;
  environment: Environment;
  logger: Logger;
  emit: EventSink;
  tunnels: TunnelProvider;
  /** Start-up news about the data folder, from openAppStorage. */
  notices?: Sentence[];
  /** The operator's hold-music file; the built-in loop plays without one. */
  holdMusic?: HoldMusicStore;
  /** Where WhatsApp's recordings and transcripts of calls are kept. */
  mediaFolder: string;
  /** Electron: opens an https address in the system browser. */
  openExternal?: (url: string) => Promise<void>;
  /** How long a company sign-in waits for the browser's return (5 minutes). */
  companySignInDeadlineMs?: number;
}

/** The webhook details that follow from the settings alone, before any server or tunnel runs. */
function configuredWebhookStatus(c: ConnectionSettings): WebhookStatus {
  return {
    listening: false,
    callbackUrl: c.tunnel === 'public_url' && c.publicUrl ? webhookCallbackUrl(c.publicUrl) : undefined,
    verifyToken: c.verifyToken || undefined,
    tunnel: c.tunnel,
    tunnelState: 'off',
    receivedCount: 0,
    rejectedCount: 0,
  };
}

/**
 * Everything the main process runs for the phone, with no Electron in it, so the same services
 * serve the Electron window and the browser host used by tests and the demo.
 */
export async function startAppServices(options: AppServicesOptions) {
  const { settings, history, environment, logger, emit } = options;
  let transport: CallTransport | undefined;
  let historyFailure: Sentence | undefined;
  let accountAlerts: ReceivedAccountAlert[] = [];
  /** News from the shell (a shortcut another program holds) or a fatal error, for the status line. */
  const shellNotices = new Map<string, Sentence>();
  let fatal: Sentence | undefined;

  const coordinator = createCallCoordinator({
    transport: currentTransportActions(() => transport),
    logger,
    preferences: () => settings.preferences(),
    permissionRequests: history.permissionRequests,
    agentName: () => transport?.status().relay?.agentId,
    inboundRingLimitMs: () => deskRingLimitMs(settings.connection().mode),
    callbackData: (customer) => {
      // Through a team relay the relay sends its own (team, queue, agent).
      if (settings.connection().mode === 'relay') return undefined;
      const ticket = crmLink(
        settings.preferences().crmUrlTemplate,
        isUserId(customer) ? { userId: customer } : { phone: customer },
      );
      return buildCallbackData({ agent: deskUser(), ticket });
    },
  });
  const wrapUp = createWrapUp({
    onBusy: () => tellAgentStatus(),
    onChange: () => {
      team.deskChanged();
      publishStatus();
    },
  });
  const team = createTeamDeskState({
    wrapUps: wrapUp,
    autoReturnSec: () => settings.preferences().wrapUpAutoReturnSec ?? 0,
    release: (callId) => transport?.wrapUp?.(callId, '', '') ?? Promise.resolve(),
    onChange: () => publishStatus(),
  });
  /**
   * What the relay hears: the agent's own choice. After-call work is the relay's to hold (it ends when the wrap-up is
   * saved or released). A team's not-ready reason goes as Away (the desk's status that takes no calls) with it.
   */
  function tellAgentStatus(): void {
    transport?.setAgentStatus(settings.preferences().status, team.chosenReason());
  }

  const callMedia = createCallMedia({
    folder: options.mediaFolder,
    history,
    download: (notice, maxBytes) => {
      if (!transport) return Promise.reject(new Error('not connected to WhatsApp'));
      return transport.downloadMedia(notice, maxBytes);
    },
    logger,
    onChange: (callId) => emit('history:changed', { callId }),
  });
  coordinator.onMedia((notice) => void callMedia.take(notice));

  let toCallBack = 0;
  /** Recounted when a call ends or one is marked done, not on every status update. */
  function refreshToCallBack(): void {
    try {
      const next = history.toCallBackCount();
      if (next !== toCallBack) {
        toCallBack = next;
        publishStatus();
      }
    } catch (error) {
      logger.warn('missed calls not counted', { error: errorText(error) });
    }
  }

  coordinator.onUpdate((view) => {
    // An erased customer's call leaves the page and any wrap-up still open for it (released unsaved at the relay, as
    // the desk's list tells the team); its history went with the erasure and is not written again.
    if (view.forgotten) {
      wrapUp.finish(view.callId);
      emit('call:updated', view);
      return;
    }
    const prefs = settings.preferences();
    if (view.phase === 'ended' && view.answeredAtMs !== undefined && prefs.wrapUpCodes?.length !== 0)
      wrapUp.start(view.callId, prefs.wrapUpAutoReturnSec ?? 0);
    // The page first: the disk write below finishes in this same turn, before the page can ask for the history.
    emit('call:updated', view);
    try {
      history.record(historyUpdateOf(view));
      if (historyFailure) {
        historyFailure = undefined;
        publishStatus();
      }
    } catch (error) {
      logger.error('call history write failed', { callId: view.callId, error: errorText(error) });
      if (!historyFailure) {
        historyFailure = sentence('historyNotSaved');
        publishStatus();
      }
    }
    if (view.phase === 'ended') refreshToCallBack();
  });

  coordinator.onPermissionReply((reply) => emit('permission:replied', reply));
  coordinator.onCallbackOffers((offers) => emit('callbacks:offered', offers));
  coordinator.onCallbacksGone((callbackIds) => emit('callbacks:gone', { callbackIds }));

  let connectionCheck: AppStatus['connectionCheck'] = { state: 'pending' };

  /** Asks WhatsApp whether the token, the number and its calling settings let calls ring here. */
  async function checkConnection(): Promise<ConnectionTest> {
    const checked = transport;
    if (!checked)
      return { ok: false, error: 'Save the connection settings first.', said: sentence('saveSettingsFirst') };
    const result = await checked
      .test()
      .catch((error: unknown): ConnectionTest => ({ ok: false, error: errorText(error) }));
    if (transport !== checked || settings.connection().mode !== 'direct') return result;
    const blocking = result.ok ? result.findings?.find((f) => f.level === 'problem') : undefined;
    connectionCheck = result.ok
      ? blocking
        ? { state: 'failed', problem: blocking.text }
        : { state: 'ok' }
      : { state: 'failed', problem: result.error, ...(result.said && { said: result.said }) };
    publishStatus();
    return result;
  }

  function callbackReached(webhook: AppStatus['webhook']): boolean {
    const url = webhook.callbackUrl;
    if (!url) return false;
    if (settings.reachedCallbackUrl() === url) return true;
    if (webhook.verifiedAtMs === undefined && webhook.lastEventAtMs === undefined) return false;
    settings.markCallbackReached(url);
    return true;
  }

  /** A desk on its own with TURN (Settings or the environment) makes its own credentials, renewed at half-life. */
  const deskTurn = createDeskTurn(settings, environment, () => publishStatus());

  /** The supervisor who last set this agent Away from the board, until the agent chooses a status themselves. */
  let statusSetBy: string | undefined;
  function status(): AppStatus {
    const c = settings.connection();
    const link = transport?.status();
    const webhook = { ...configuredWebhookStatus(c), ...link?.webhook };
    const problems: Sentence[] = [];
    if (fatal) problems.push(fatal);
    problems.push(...(link?.problems ?? []));
    return {
      configured: settings.isConfigured(),
      mode: c.mode,
      relay: link?.relay,
      team: link?.relay?.connected ? team.view() : undefined,
      problems,
      companySignIn: companySignIn.state(),
      notices: [...(options.notices ?? []), ...(historyFailure ? [historyFailure] : []), ...shellNotices.values()],
      iceServers: [...environment.iceServers, ...deskTurn.iceServers(), ...(link?.iceServers ?? [])],
      iceTransportPolicy: deskTurn.policy(),
      mediaTimeoutMs: environment.mediaTimeoutMs,
      webhook,
      wrapUp: wrapUp.state(),
      toCallBack,
      connectionCheck,
      callbackReached: callbackReached(webhook),
      preferences: settings.preferences(),
      statusSetBy,
      accountAlerts: keepAlert(accountAlerts, undefined, Date.now()),
    };
  }

  const publishStatus = (): void => emit('app:status', status());

  /** A colleague called this customer back, messaged them or marked their missed calls done. */
  function colleagueHandled(signal: Extract<CallSignal, { type: 'missed_handled' }>): void {
    try {
      if (history.markMissedHandled(signal.customer, signal.atMs) === 0) return;
      logger.info('missed calls dealt with by a colleague', { by: signal.by });
      refreshToCallBack();
      emit('history:changed', { callId: '' });
    } catch (error) {
      logger.warn('colleague news not recorded', { error: errorText(error) });
    }
  }
  /** WhatsApp's word about the number: kept for the status line and Settings, and logged for the administrator. */
  function accountAlerted(signal: Extract<CallSignal, { type: 'account_alert' }>): void {
    logger.warn('WhatsApp account alert', { alert: signal.alert, sentence: accountAlertSentence(signal.alert) });
    accountAlerts = keepAlert(
      accountAlerts,
      { alert: signal.alert, atMs: Date.now(), phoneNumberId: signal.phoneNumberId },
      Date.now(),
    );
    publishStatus();
  }
  /** The team relay's word on this agent's state (on a call, after-call work, not ready...). */
  function teamStateChanged(signal: Extract<CallSignal, { type: 'agent_state' }>): void {
    logger.info('team state', { state: signal.state, reason: signal.reason, wrapUps: signal.wrapUps.length });
    team.take(signal);
  }
  /** A supervisor changed this desk's status from the board: the desk takes it as if the agent had. */
  function supervisorSetStatus(status: 'available' | 'away', by: string, reason?: string): void {
    try {
      const next = settings.savePreferences({ status });
      statusSetBy = status === 'away' ? by : undefined;
      logger.info('status set by a supervisor', { status, by, reason });
      // Away for one of the team's reasons stays that reason when the desk tells the relay its status.
      team.choose(status === 'away' ? reason : undefined);
      tellAgentStatus();
      coordinator.agentStatusChanged(next.status);
      publishStatus();
    } catch (error) {
      logger.warn('supervisor status not applied', { error: errorText(error) });
    }
  }
  /** The customer rated a call this agent took (team relay's post-call survey): History shows it. */
  function callRated(callId: string, score: number): void {
    try {
      if (history.recordRating(callId, score)) emit('history:changed', { callId });
    } catch (error) {
      logger.warn('call rating not recorded', { error: errorText(error) });
    }
  }
  /** Team relay: the colleagues' lists drop this customer too. */
  function tellTeamHandled(customer: string): void {
    void transport
      ?.missedHandled?.(customer)
      .catch((error: unknown) => logger.warn('team not told of a dealt-with missed call', { error: errorText(error) }));
  }
  // Webhook traffic can be heavy (or hostile); the window needs at most a few status updates a second.
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  const publishStatusSoon = (): void => {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined;
      publishStatus();
    }, 250);
  };

  /** The team's retention policy and erasures as the relay last said: applied then, and again every few hours. */
  let teamDataPolicy: TeamDataPolicy | undefined;
  function applyTeamPolicy(policy: TeamDataPolicy): void {
    teamDataPolicy = policy;
    try {
      const pruned = applyTeamDataPolicy({ history, mediaFolder: options.mediaFolder, log: logger }, policy);
      // A card still on screen (a colleague's answered or missed call) goes with the customer's history.
      const erasedAt = new Map((policy.erasedCustomers ?? []).map((e) => [e.digest, e.atMs]));
      if (erasedAt.size > 0) coordinator.forgetEnded((customer) => erasedAt.get(customerDigest(customer)));
      if (erasedAt.size > 0) coordinator.forgetErasedCallbacks((customer) => erasedAt.get(customerDigest(customer)));
      if (Object.values(pruned).some((n) => n > 0)) {
        refreshToCallBack();
        emit('history:changed', { callId: '' });
      }
    } catch (error) {
      logger.warn('history not pruned by the team’s policy', { error: errorText(error) });
    }
  }
  const teamPolicyTimer = setInterval(() => teamDataPolicy && applyTeamPolicy(teamDataPolicy), 6 * 3600_000);
  teamPolicyTimer.unref();

  const context: TransportContext = {
    logger,
    onTeamDataPolicy: applyTeamPolicy,
    onRelayLost: () => coordinator.dropCallbackOffers(),
    onRelaySessionEnded: () => coordinator.ringsPassedOn(),
    onSignal: (signal) => {
      if (signal.type === 'missed_handled') colleagueHandled(signal);
      else if (signal.type === 'status_set') supervisorSetStatus(signal.status, signal.by, signal.reason);
      else if (signal.type === 'agent_state') teamStateChanged(signal);
      else if (signal.type === 'account_alert') accountAlerted(signal);
      else if (signal.type === 'call_rated') callRated(signal.callId, signal.score);
      else coordinator.handleSignal(signal);
    },
    // A survey answer is taken for 7 days: older calls get no rating any more.
    unratedCalls: () => {
      try {
        return history.unratedCalls(Date.now() - 7 * 24 * 3600_000);
      } catch {
        return [];
      }
    },
    pendingMissedCustomers: () => {
      try {
        return history.pendingMissedCustomers();
      } catch {
        return [];
      }
    },
    onChange: publishStatus,
    onActivity: publishStatusSoon,
    agentStatus: () => settings.preferences().status,
  };

  /** Replaces the transport with one built from the stored settings. */
  async function applyConnection(): Promise<void> {
    const previous = transport;
    transport = undefined;
    team.forget();
    coordinator.dropCallbackOffers();
    await previous?.close();
    if (!settings.isConfigured()) return publishStatus();
    const c = settings.connection();
    if (c.mode === 'relay') {
      transport = openRelayTransport(
        {
          urls: c.relayUrls,
          agentToken: c.agentToken,
          onTokenRenewed: (token) => settings.saveRelaySession(c.relayUrls, token),
        },
        context,
      );
      tellAgentStatus();
      return publishStatus();
    }
    transport = await openDirectTransport(
      { connection: c, environment, tunnels: options.tunnels, seenEvents: history.seenEvents },
      context,
    );
    connectionCheck = { state: 'pending' };
    publishStatus();
    void checkConnection();
  }

  const CALLING_SETTINGS_ELSEWHERE =
    'This desk does not hold the WhatsApp token (it works through the team relay, or is not set up): calling settings are managed where the token is.';

  const testConnection = checkConnection;

  const companySignIn = createDeskCompanySignIn({
    log: logger,
    deadlineMs: options.companySignInDeadlineMs,
    openExternal: options.openExternal,
    onSignedIn: async (relayUrls, token) => {
      settings.saveRelaySession(relayUrls, token);
      await applyConnection();
    },
    onChange: () => publishStatus(),
  });

  refreshToCallBack();
  await applyConnection();

  const handlers: InvokeHandlers = {
    'call:answer': ({ callId, sdpAnswer, capture }) => coordinator.answer(callId, sdpAnswer, capture),
    // Anchored calls ringing here: the page's answer goes to the relay at once, so the desk's leg connects while it
    // rings. The relay checks the call is still unanswered; a refusal changes nothing (the leg starts on Answer).
    'call:ringingLeg': async ({ callId, sdpAnswer }) => {
      await transport?.ringingLeg?.(callId, sdpAnswer).catch((error: unknown) => {
        logger.warn('ringing desk’s leg not started early', { callId, error: errorText(error) });
      });
      return { ok: true };
    },
    'call:reject': ({ callId }) => coordinator.reject(callId),
    'call:hangup': ({ callId }) => coordinator.hangup(callId),
    'call:mediaFailed': ({ callId, reason, said, detail }) => coordinator.mediaFailed(callId, reason, detail, said),
    'call:hold': async ({ callId, held }) => coordinator.hold(callId, held),
    'call:transfer': ({ callId, to, conference, consult }) => coordinator.transfer(callId, to, conference, consult),
    'call:holdCustomer': ({ callId, held }) => coordinator.holdCustomer(callId, held),
    'call:handToBot': ({ callId, bot, note }) => coordinator.handToBot(callId, bot, note),
    'team:colleagues': async () => {
      try {
        return { agents: (await transport?.colleagues?.()) ?? [] };
      } catch (error) {
        logger.warn('colleagues not read from the relay', { error: errorText(error) });
        return { agents: [] };
      }
    },
    'call:wrapUp': async (input) => {
      const parsed = WrapUp.safeParse(input);
      if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
      const { callId, outcome, notes } = parsed.data;
      // In a team the relay keeps the wrap-up: an outcome the team does not list (its codes changed meanwhile) is
      // refused, and the wrap-up stays open with what the agent wrote for them to choose again. Any other refusal (a
      // wrap-up the team kept already, a call no longer theirs) cannot be mended here: it closes as before, the
      // reason in the log. A relay out of reach does not hold the agent up.
      const sent = transport?.wrapUp?.(callId, outcome, notes);
      if (sent) {
        team.saving(callId, sent);
        const refused = await relayRefusalWithin(sent, RELAY_WRAP_UP_WAIT_MS);
        if (refused?.said?.key === 'relayUnknownOutcome') return refuse(refused.message, refused.said);
        void sent.catch((error: unknown) =>
          logger.warn('wrap-up not sent to the team records', { callId, error: errorText(error) }),
        );
      }
      try {
        // A call the relay holds a wrap-up for is saved there even when this desk's history lacks it.
        if (!history.recordWrapUp(callId, outcome, notes) && !sent && !team.relayHolds(callId))
          return refuse(
            'This call is not in the history, so its wrap-up cannot be saved.',
            sentence('wrapUpUnknownCall'),
          );
      } catch (error) {
        logger.error('wrap-up not saved in this desk’s history', { callId, error: errorText(error) });
        // The team has it; only a desk of its own would lose it.
        if (!sent)
          return refuse(
            'The wrap-up could not be saved (the history could not be written); try again.',
            sentence('wrapUpNotSaved'),
          );
      }
      wrapUp.finish(callId);
      return { ok: true };
    },
    // A wrap-up saved or closed meanwhile has nothing left to keep: no refusal to show the agent.
    'call:wrapUpKeep': async ({ callId }) => {
      wrapUp.keep(callId);
      return { ok: true };
    },
    'call:wrapUpDraft': async ({ callId, outcome, notes }) => {
      wrapUp.saveDraft(callId, { outcome, notes });
      return { ok: true };
    },
    'team:status': async (activity) => {
      const reasons = transport?.status().relay?.notReadyReasons;
      if (settings.connection().mode !== 'relay' || !reasons)
        return refuse(
          'Not-ready reasons come from the team relay: this desk is not connected to one.',
          sentence('reasonsNeedRelay'),
        );
      if (activity.kind === 'not_ready' && !reasons.includes(activity.reason))
        return refuse(
          `“${activity.reason}” is not one of your team’s not-ready reasons.`,
          sentence('reasonUnknown', { reason: activity.reason }),
        );
      team.choose(activity.kind === 'not_ready' ? activity.reason : undefined);
      const next = settings.savePreferences({ status: activity.kind === 'available' ? 'available' : 'away' });
      statusSetBy = undefined;
      tellAgentStatus();
      coordinator.agentStatusChanged(next.status);
      publishStatus();
      return { ok: true };
    },
    'call:quality': async ({ callId, sample }) => coordinator.recordQuality(callId, sample),
    'call:dial': async ({ to, sdpOffer, capture, callbackId }) => {
      const result = await coordinator.dial(to, sdpOffer, capture, callbackId);
      if (result.ok) tellTeamHandled(to);
      return result;
    },
    'call:permission': async ({ to }) =>
      coordinator.permission(to).catch(() => ({ status: 'unknown' as const, canCall: true, canRequest: false })),
    'call:requestPermission': ({ to }) => coordinator.requestPermission(to),
    'callback:answer': ({ callbackId, answer }) => coordinator.answerCallback(callbackId, answer),
    'callbacks:list': async () => coordinator.callbackOffers(),
    'calls:list': async () => coordinator.list(),
    'app:status': async () => status(),
    'settings:get': async () => settings.view(),
    'settings:save': async (input) => {
      const result = settings.saveConnection(input);
      if (!result.ok) return result;
      await applyConnection();
      // Saved is said only with WhatsApp's word on the new settings (direct mode; a relay is tested by connecting).
      const check = settings.connection().mode === 'direct' ? await checkConnection() : undefined;
      return { ok: true, settings: settings.view(), check };
    },
    'settings:testConnection': () => testConnection(),
    'settings:companySignIn': async ({ relayUrls }) => {
      const given = ConnectionFields.shape.relayUrls.safeParse(relayUrls);
      if (!given.success) return { ok: false, field: 'relayUrls', error: given.error.issues[0]!.message };
      // A managed desk signs in only at the relay its administrator set.
      if (given.data && settings.view().locked.includes('relayUrls'))
        return { ok: false, field: 'relayUrls', error: 'lockedField' };
      const urls = given.data
        ? given.data
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean)
        : settings.connection().relayUrls;
      if (urls.length === 0) return { ok: false, field: 'relayUrls', error: 'relayUrlsRequired' };
      return { ok: true, ...(await companySignIn.start(urls)) };
    },
    'settings:callingRead': async () =>
      transport?.callingSettings?.read() ?? { ok: false, error: CALLING_SETTINGS_ELSEWHERE },
    'settings:callingSave': async (values) =>
      transport?.callingSettings?.change(values) ?? { ok: false, error: CALLING_SETTINGS_ELSEWHERE },
    'preferences:save': async (patch) => {
      const next = settings.savePreferences(patch);
      if (patch.status !== undefined) {
        team.choose(undefined);
        statusSetBy = undefined;
      }
      tellAgentStatus();
      coordinator.agentStatusChanged(next.status);
      publishStatus();
      return next;
    },
    'settings:turnGet': async () => deskTurn.view(),
    'settings:turnSave': async (form) => {
      const result = deskTurn.save(form);
      if (result.ok) logger.info('TURN settings saved', { urls: result.settings.turnUrls.length });
      return result;
    },
    'settings:holdMusicGet': async () => {
      const stored = options.holdMusic?.load();
      return stored ? { name: stored.name, dataBase64: stored.bytes.toString('base64') } : {};
    },
    'settings:holdMusicSave': async ({ name, dataBase64 }) => {
      if (!options.holdMusic)
        return refuse('This desk cannot keep a hold music file.', sentence('holdMusicUnsupported'));
      if (dataBase64 === '') {
        options.holdMusic.clear();
        return { ok: true };
      }
      try {
        return options.holdMusic.save(name, Buffer.from(dataBase64, 'base64'));
      } catch (error) {
        logger.error('hold music not saved', { error: errorText(error) });
        return refuse(
          'The hold music could not be saved in the data folder; see the log.',
          sentence('holdMusicNotSaved'),
        );
      }
    },
    'app:openExternal': async ({ url }) => {
      if (new URL(url).protocol !== 'https:') return { ok: false, error: 'Only https addresses are opened.' };
      if (!options.openExternal) return { ok: false, error: 'This window opens links itself.' };
      await options.openExternal(url);
      return { ok: true };
    },
    'history:customer': async ({ customer, callId }) => {
      const mine = history.customerSummary(customer, callId);
      const team = await teamSummary(transport, customer, callId).catch((error: unknown) => {
        logger.warn('team history of the customer not read', { error: errorText(error) });
        return undefined;
      });
      return team ? { ...mine, team } : mine;
    },
    'history:toCallBack': async () => history.toCallBack(),
    'history:markDone': async ({ callId }) => {
      if (!history.markDone(callId, Date.now()))
        return refuse('This call is not in the history.', sentence('notInHistory'));
      refreshToCallBack();
      const entry = history.find(callId);
      if (entry) tellTeamHandled(entry.number);
      return { ok: true };
    },
    'history:followUp': async ({ callId }) => {
      const entry = history.find(callId);
      if (!entry) return refuse('This call is not in the history.', sentence('notInHistory'));
      if (!transport) return refuse('Save the connection settings first.', sentence('saveSettingsFirst'));
      const prefs = settings.preferences();
      try {
        await transport.sendFollowUp(
          entry.number,
          prefs.followUpText ?? DEFAULT_FOLLOW_UP_TEXT,
          prefs.followUpTemplate,
          prefs.followUpCallButton ? { label: prefs.followUpCallButton, payload: followUpPayload(callId) } : undefined,
        );
      } catch (error) {
        logger.warn('follow-up not sent', { callId, error: errorText(error) });
        return {
          ...refuse(`The message was not sent. ${agentSentence(error)}`, sentence('messageNotSent'), agentSaid(error)),
          detail: errorText(error).slice(0, 2000),
        };
      }
      history.recordFollowUp(callId, Date.now());
      refreshToCallBack();
      tellTeamHandled(entry.number);
      return { ok: true };
    },
    'history:list': async (query) => history.list(query),
    'history:recording': async ({ callId }) => {
      try {
        const file = callMedia.read(callId);
        if (!file) return refuse('This call has no recording on this computer.', sentence('noRecording'));
        return { ok: true, mimeType: file.mimeType, dataBase64: file.bytes.toString('base64') };
      } catch (error) {
        logger.warn('recording unreadable', { callId, error: errorText(error) });
        return refuse('The recording file could not be read from the data folder.', sentence('recordingUnreadable'));
      }
    },
    'history:retryMedia': async ({ callId }) => callMedia.retry(callId),
    'history:exportCsv': async (query) => history.exportCsv(query),
  };

  return {
    handlers,
    /**
     * No window of the phone is open any more (a browser's tab was closed): the agent is set Away, so neither the team
     * nor WhatsApp rings a desk nobody sees. They choose Available again when they come back.
     */
    noWindow(): void {
      if (settings.preferences().status === 'away') return;
      const next = settings.savePreferences({ status: 'away' });
      team.choose(undefined);
      statusSetBy = undefined;
      logger.info('no window of the phone is open: the agent is set Away');
      tellAgentStatus();
      coordinator.agentStatusChanged(next.status);
      publishStatus();
    },
    /** Shows (or, with undefined, clears) a notice under a topic such as "shortcuts". */
    setNotice(topic: string, message: Sentence | undefined): void {
      if (message) shellNotices.set(topic, message);
      else shellNotices.delete(topic);
      publishStatus();
    },
    /**
     * The process hit an error it cannot recover from: tell the agent, end every live call on WhatsApp
     * (nothing is left ringing or open there), then let the caller exit.
     */
    async failFatally(): Promise<void> {
      fatal = sentence('fatal');
      publishStatus();
      await coordinator.shutdown();
    },
    coordinator,
    status,
    get webhookUrl(): string | undefined {
      return transport?.status().webhook?.localUrl;
    },
    async close(): Promise<void> {
      deskTurn.stop();
      clearInterval(teamPolicyTimer);
      companySignIn.close();
      clearTimeout(statusTimer);
      wrapUp.close();
      await coordinator.shutdown();
      await transport?.close();
      transport = undefined;
      history.close();
    },
  };
}

export type AppServices = Awaited<ReturnType<typeof startAppServices>>;
