import type { AppStatus, EventChannel, EventPayload, InvokeHandlers, WebhookStatus } from '../shared/ipcContract';
import { z } from 'zod';
import { CallPermissionResponse } from '../shared/graphSchemas';
import type { RelayAction, RelayCallEvent } from '../shared/relayProtocol';
import type { ConnectionTest } from '../shared/settingsSchemas';
import { createCallCoordinator } from './callCoordinator';
import type { CallHistory } from './callHistory';
import type { Environment } from './config';
import { createGraphClient, GraphApiError, type GraphClient } from '../whatsapp/graphClient';
import type { Logger } from '../whatsapp/logger';
import { connectRelay, type RelayClient } from './relayClient';
import type { SettingsStore } from './settingsStore';
import type { Tunnel, TunnelProvider } from '../whatsapp/tunnel';
import { startWebhookServer, type WebhookServer } from '../whatsapp/webhookServer';

const ConnectedCall = z.object({ callId: z.string() });
const MessageSent = z.object({ messageId: z.string() });

export type EventSink = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

export interface AppServicesOptions {
  settings: SettingsStore;
  history: CallHistory;
  environment: Environment;
  logger: Logger;
  emit: EventSink;
  tunnels: TunnelProvider;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a failed connection test into words that name the setting to fix. */
export function explainConnectionFailure(error: unknown): Extract<ConnectionTest, { ok: false }> {
  if (!(error instanceof GraphApiError)) return { ok: false, error: errorText(error) };
  const { code, subcode } = error.details;
  if (code === 190) return { ok: false, field: 'accessToken', error: 'Access token: WhatsApp does not accept it (invalid or expired). Paste a new one.' };
  if (code === 10 || code === 200) {
    return { ok: false, field: 'accessToken', error: 'Access token: it lacks the whatsapp_business_messaging permission.' };
  }
  if (code === 100 && subcode === 33) {
    return { ok: false, field: 'phoneNumberId', error: 'Phone number ID: no phone number with this ID is reachable with this token.' };
  }
  if (error.kind === 'network' || error.kind === 'timeout') return { ok: false, error: `Could not reach the WhatsApp API: ${error.message}` };
  return { ok: false, error: error.message };
}

/**
 * Everything the main process runs for the phone, with no Electron in it, so the same services
 * serve the Electron window and the browser host used by tests and the demo.
 */
export async function startAppServices(options: AppServicesOptions) {
  const { settings, history, environment, logger, emit } = options;
  let graph: GraphClient | undefined;
  let webhook: WebhookServer | undefined;
  let webhookError: string | undefined;
  let tunnel: Tunnel | undefined;
  let tunnelState: WebhookStatus['tunnelState'] = 'off';
  let tunnelError: string | undefined;
  let relay: RelayClient | undefined;
  let relayState: AppStatus['relay'];

  function requireGraph(): GraphClient {
    if (!graph) throw new Error('The phone is not connected to WhatsApp: finish Settings first.');
    return graph;
  }

  // In relay mode the relay holds the Graph token and decides who wins a call; the desk only asks.
  const viaRelay = async (action: RelayAction, id: string, sdp?: string): Promise<unknown> => relay!.request(action, id, sdp);
  const coordinator = createCallCoordinator({
    graph: {
      preAccept: async (id, sdp) => void (relay ? await viaRelay('pre_accept', id, sdp) : await requireGraph().preAccept(id, sdp)),
      accept: async (id, sdp, opaque) => void (relay ? await viaRelay('accept', id, sdp) : await requireGraph().accept(id, sdp, opaque)),
      reject: async (id) => void (relay ? await viaRelay('reject', id) : await requireGraph().reject(id)),
      terminate: async (id) => void (relay ? await viaRelay('terminate', id) : await requireGraph().terminate(id)),
      connect: async (to, sdp) => (relay ? ConnectedCall.parse(await viaRelay('connect', to, sdp)) : requireGraph().connect(to, sdp)),
      callPermission: async (to) => (relay ? CallPermissionResponse.parse(await viaRelay('permission', to)) : requireGraph().callPermission(to)),
      requestCallPermission: async (to, text) =>
        relay ? MessageSent.parse(await viaRelay('request_permission', to)) : requireGraph().requestCallPermission(to, text),
    },
    logger,
    preferences: () => settings.preferences(),
  });
  coordinator.onUpdate((view) => {
    try {
      history.record(view);
    } catch (error) {
      logger.error('call history write failed', { callId: view.callId, error: errorText(error) });
    }
    emit('call:updated', view);
  });

  function webhookStatus(): WebhookStatus {
    const c = settings.connection();
    const counters = webhook?.status() ?? { receivedCount: 0, rejectedCount: 0 };
    const publicBase = c.tunnel === 'public_url' ? c.publicUrl : c.tunnel === 'ngrok' ? tunnel?.url : undefined;
    return {
      listening: webhook !== undefined,
      localUrl: webhook?.url,
      callbackUrl: publicBase ? `${publicBase.replace(/\/+$/, '')}/webhook` : undefined,
      verifyToken: c.verifyToken || undefined,
      tunnel: c.tunnel,
      tunnelState,
      tunnelError,
      ...counters,
    };
  }

  function status(): AppStatus {
    const problems: string[] = [];
    if (!settings.isConfigured()) problems.push('Open Settings and enter your WhatsApp connection details.');
    if (webhookError) problems.push(webhookError);
    if (tunnelError) problems.push(`Tunnel: ${tunnelError}`);
    if (relayState?.error) problems.push(relayState.error);
    return {
      configured: settings.isConfigured(),
      mode: settings.connection().mode,
      relay: relayState,
      problems,
      iceServers: environment.iceServers,
      mediaTimeoutMs: environment.mediaTimeoutMs,
      webhook: webhookStatus(),
      preferences: settings.preferences(),
    };
  }

  const publishStatus = (): void => emit('app:status', status());
  // Webhook traffic can be heavy (or hostile); the window needs at most a few status updates a second.
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  const publishStatusSoon = (): void => {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined;
      publishStatus();
    }, 250);
  };

  function onRelayEvent(event: RelayCallEvent): void {
    const common = { phoneNumberId: '', timestampMs: Date.now() };
    switch (event.type) {
      case 'call_taken':
        return coordinator.takenElsewhere(event.callId);
      case 'call_offered':
        return coordinator.handleEvent({ ...event, phoneNumberId: '', to: '' });
      case 'call_terminated':
        return coordinator.handleEvent({ ...event, ...common, to: '' });
      case 'outbound_answered':
        return coordinator.handleEvent({ ...event, ...common, to: '' });
      case 'outbound_status':
        return coordinator.handleEvent({ ...event, ...common, recipient: '' });
    }
  }

  async function stopNetwork(): Promise<void> {
    relay?.close();
    relay = undefined;
    relayState = undefined;
    await tunnel?.close().catch(() => undefined);
    tunnel = undefined;
    tunnelState = 'off';
    tunnelError = undefined;
    await webhook?.close();
    webhook = undefined;
    webhookError = undefined;
  }

  /** (Re)starts the Graph client, webhook server and tunnel from the stored settings. */
  async function applyConnection(): Promise<void> {
    await stopNetwork();
    graph = undefined;
    if (!settings.isConfigured()) return publishStatus();
    const c = settings.connection();
    if (c.mode === 'relay') {
      relayState = { connected: false };
      relay = connectRelay({
        urls: c.relayUrls,
        token: c.agentToken,
        onEvent: onRelayEvent,
        onConnection: (state) => {
          relayState = state;
          if (state.connected) relay?.setStatus(settings.preferences().status);
          publishStatus();
        },
      });
      return publishStatus();
    }
    graph = createGraphClient({
      accessToken: c.accessToken,
      phoneNumberId: c.phoneNumberId,
      baseUrl: environment.graphBaseUrl,
      apiVersion: environment.graphApiVersion,
    });
    try {
      webhook = await startWebhookServer({
        appSecret: c.appSecret,
        verifyToken: c.verifyToken,
        port: environment.webhookPortOverride ?? c.webhookPort,
        host: environment.webhookHost,
        logger,
        onEvent: (event) => coordinator.handleEvent(event),
        onActivity: publishStatusSoon,
      });
    } catch (error) {
      webhookError = errorText(error);
      logger.error('webhook server did not start', { error: webhookError });
      return publishStatus();
    }
    if (c.tunnel === 'ngrok') {
      tunnelState = 'starting';
      publishStatus();
      try {
        tunnel = await options.tunnels.open(webhook.port, c.ngrokAuthtoken);
        tunnelState = 'up';
      } catch (error) {
        tunnelState = 'error';
        tunnelError = errorText(error);
        logger.warn('tunnel did not open', { error: tunnelError });
      }
    }
    publishStatus();
  }

  async function testConnection(): Promise<ConnectionTest> {
    if (relay) {
      const connected = await Promise.race([relay.ready().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!connected) return { ok: false, field: 'relayUrls', error: relayState?.error ?? 'Relay address: no relay answered.' };
      return { ok: true, displayPhoneNumber: relayState?.url ?? 'team relay', verifiedName: 'Team relay' };
    }
    if (!graph) return { ok: false, error: 'Save the connection settings first.' };
    try {
      const info = await graph.phoneNumberInfo();
      return { ok: true, displayPhoneNumber: info.display_phone_number, verifiedName: info.verified_name };
    } catch (error) {
      return explainConnectionFailure(error);
    }
  }

  await applyConnection();

  const handlers: InvokeHandlers = {
    'call:answer': ({ callId, sdpAnswer }) => coordinator.answer(callId, sdpAnswer),
    'call:reject': ({ callId }) => coordinator.reject(callId),
    'call:hangup': ({ callId }) => coordinator.hangup(callId),
    'call:mediaFailed': ({ callId, reason }) => coordinator.mediaFailed(callId, reason),
    'call:quality': async ({ callId, sample }) => coordinator.recordQuality(callId, sample),
    'call:dial': ({ to, sdpOffer }) => coordinator.dial(to, sdpOffer),
    'call:permission': async ({ to }) => coordinator.permission(to).catch(() => ({ status: 'unknown' as const, canCall: true, canRequest: false })),
    'call:requestPermission': ({ to }) => coordinator.requestPermission(to),
    'calls:list': async () => coordinator.list(),
    'app:status': async () => status(),
    'settings:get': async () => settings.view(),
    'settings:save': async (input) => {
      const result = settings.saveConnection(input);
      if (result.ok) await applyConnection();
      return result.ok ? { ok: true, settings: settings.view() } : result;
    },
    'settings:testConnection': () => testConnection(),
    'preferences:save': async (patch) => {
      const next = settings.savePreferences(patch);
      relay?.setStatus(next.status);
      publishStatus();
      return next;
    },
    'history:list': async (query) => history.list(query),
    'history:exportCsv': async (query) => history.exportCsv(query),
  };

  return {
    handlers,
    coordinator,
    status,
    get webhookUrl(): string | undefined {
      return webhook?.url;
    },
    async close(): Promise<void> {
      clearTimeout(statusTimer);
      await coordinator.shutdown();
      await stopNetwork();
      history.close();
    },
  };
}

export type AppServices = Awaited<ReturnType<typeof startAppServices>>;
