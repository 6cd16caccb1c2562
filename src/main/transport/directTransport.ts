import {
  callHoursProblems,
  callingSettingsFindings,
  callingSettingsUpdate,
  sipProblems,
  callingSettingsView,
  type CallingSettingsView,
  type SettingsFinding,
} from '../../shared/callingSettings';
import { agentSaid, agentSentence } from '../../shared/agentErrors';
import { PERMISSION_REQUEST_TEXT } from '../../shared/graphSchemas';
import type { ConnectionTest } from '../../shared/settingsSchemas';
import { callSignalFromWebhook } from '../../whatsapp/callSignalFromWebhook';
import { createCallEventFilter, type SeenEventStore } from '../../whatsapp/callEventFilter';
import type { Clocks } from '../../whatsapp/arrivalClock';
import { errorText } from '../../shared/errorText';
import { createGraphClient, GraphApiError, type GraphClient } from '../../whatsapp/graphClient';
import type { Tunnel, TunnelProvider } from '../../whatsapp/tunnel';
import { startWebhookServer, webhookCallbackUrl, type WebhookServer } from '../../whatsapp/webhookServer';
import type { Environment } from '../config';
import type { ConnectionSettings } from '../settingsStore';
import type { CallActions, CallTransport, TransportContext, TransportStatus } from './callTransport';
import { sentence, type Sentence } from '../../shared/sentence';
import { WebhookServerStartError } from '../../whatsapp/webhookServer';

/** Turns a failed connection test into words that name the setting to fix. */
export function explainConnectionFailure(error: unknown): Extract<ConnectionTest, { ok: false }> {
  if (!(error instanceof GraphApiError)) return { ok: false, error: agentSentence(error) };
  const { code, subcode } = error.details;
  if (code === 190)
    return {
      ok: false,
      field: 'accessToken',
      error: 'Access token: WhatsApp does not accept it (invalid or expired). Paste a new one.',
      said: sentence('tokenRejected'),
    };
  if (code === 10 || code === 200) {
    return {
      ok: false,
      field: 'accessToken',
      error: 'Access token: it lacks the whatsapp_business_messaging permission.',
      said: sentence('tokenLacksMessaging'),
    };
  }
  if (code === 100 && subcode === 33) {
    return {
      ok: false,
      field: 'phoneNumberId',
      error: 'Phone number ID: no phone number with this ID is reachable with this token.',
      said: sentence('phoneNumberIdUnknown'),
    };
  }
  if (error.kind === 'network' || error.kind === 'timeout') return { ok: false, error: agentSentence(error) };
  return { ok: false, error: agentSentence(error) };
}

/** Why the calling settings could not be read or changed, in words an operator can act on (`said` for the page). */
export function explainSettingsFailure(error: unknown): { text: string; said: Sentence[] } {
  if (error instanceof GraphApiError && (error.details.code === 10 || error.details.code === 200))
    return {
      text: 'The access token lacks the whatsapp_business_management permission, which reading and changing calling settings needs: add it to the token.',
      said: [sentence('settingsNeedManagement')],
    };
  return {
    text: `The calling settings could not be read. ${agentSentence(error)}`,
    said: [sentence('settingsUnreadable'), agentSaid(error)],
  };
}

/** The call actions as Graph API requests. */
export function graphCallActions(graph: GraphClient): CallActions {
  return {
    preAccept: (callId, sdp, bizOpaque) => graph.preAccept(callId, sdp, { bizOpaque }),
    accept: (callId, sdp, capture, bizOpaque) => graph.accept(callId, sdp, { capture, bizOpaque }),
    reject: (callId) => graph.reject(callId),
    terminate: (callId) => graph.terminate(callId),
    connect: (to, sdp, capture, bizOpaque) => graph.connect(to, sdp, { capture, bizOpaque }),
    callPermission: (to) => graph.callPermission(to),
    requestCallPermission: (to) => graph.requestCallPermission(to, PERMISSION_REQUEST_TEXT),
    sendFollowUp: (to, text, template, callButton) => graph.sendMessage(to, text, template, callButton),
  };
}

export interface DirectTransportOptions {
  /** Delivered webhook events, remembered across restarts; in memory when absent. */
  seenEvents?: SeenEventStore;
  /** Tests only: the wall and monotonic clocks that judge whether a webhook came too late. */
  webhookClocks?: Clocks;
  connection: ConnectionSettings;
  environment: Environment;
  tunnels: TunnelProvider;
}

/** This desk talks to the Graph API itself and takes Meta's webhooks on its own server (and tunnel). */
export async function openDirectTransport(
  options: DirectTransportOptions,
  context: TransportContext,
): Promise<CallTransport> {
  const { connection: c, environment } = options;
  const log = context.logger;
  const graph = createGraphClient({
    accessToken: c.accessToken,
    phoneNumberId: c.phoneNumberId,
    baseUrl: environment.graphBaseUrl,
    apiVersion: environment.graphApiVersion,
    permissionTemplate: c.permissionTemplate
      ? { name: c.permissionTemplate, language: c.permissionTemplateLanguage }
      : undefined,
  });
  let webhook: WebhookServer | undefined;
  let webhookError: Sentence | undefined;
  let tunnel: Tunnel | undefined;
  let tunnelState: NonNullable<TransportStatus['webhook']>['tunnelState'] = 'off';
  let tunnelError: string | undefined;
  let otherNumberCount = 0;

  const transport: CallTransport = {
    ...graphCallActions(graph),
    setAgentStatus: () => undefined,
    downloadMedia: (notice, maxBytes) => graph.downloadMedia(notice.mediaId, notice.url, maxBytes),
    status() {
      const problems: Sentence[] = [];
      if (webhookError) problems.push(webhookError);
      if (tunnelError) problems.push(sentence('tunnelFailed', { error: tunnelError }));
      return {
        problems,
        webhook: {
          listening: webhook !== undefined,
          localUrl: webhook?.url,
          ...(c.tunnel === 'ngrok' ? { callbackUrl: tunnel ? webhookCallbackUrl(tunnel.url) : undefined } : {}),
          tunnelState,
          tunnelError,
          otherNumberCount,
          ...webhook?.status(),
        },
      };
    },
    async test() {
      try {
        const info = await graph.phoneNumberInfo();
        const findings: SettingsFinding[] = await graph.callingSettings().then(callingSettingsFindings, (error) => {
          log.warn('calling settings unreadable', { error: errorText(error) });
          const failure = explainSettingsFailure(error);
          return [{ level: 'warning', text: failure.text, said: failure.said }];
        });
        return {
          ok: true,
          displayPhoneNumber: info.display_phone_number,
          verifiedName: info.verified_name,
          findings,
        };
      } catch (error) {
        return explainConnectionFailure(error);
      }
    },
    callingSettings: {
      async read(): Promise<CallingSettingsView> {
        try {
          return callingSettingsView(await graph.callingSettings());
        } catch (error) {
          log.warn('calling settings unreadable', { error: errorText(error) });
          const failure = explainSettingsFailure(error);
          return { ok: false, error: failure.text, said: failure.said };
        }
      },
      async change(values): Promise<CallingSettingsView> {
        const hoursProblems = callHoursProblems(values);
        if (hoursProblems.length > 0) return { ok: false, error: '', hoursProblems };
        const sip = sipProblems(values.sip, values.srtp_key_exchange_protocol);
        if (sip.length > 0) return { ok: false, error: '', problems: sip };
        try {
          // Read first: Meta replaces call hours whole, and the holidays must survive the change.
          await graph.updateCallingSettings(callingSettingsUpdate(values, await graph.callingSettings()));
          return callingSettingsView(await graph.callingSettings());
        } catch (error) {
          log.warn('calling settings not changed', { error: errorText(error) });
          const failure = explainSettingsFailure(error);
          return { ok: false, error: failure.text, said: failure.said };
        }
      },
    },
    async close() {
      await tunnel?.close().catch(() => undefined);
      await webhook?.close();
    },
  };

  try {
    webhook = await startWebhookServer({
      appSecret: c.appSecret,
      verifyToken: c.verifyToken,
      port: environment.webhookPortOverride ?? c.webhookPort,
      host: environment.webhookHost,
      logger: log,
      filter: createCallEventFilter({ store: options.seenEvents, ...options.webhookClocks, log }),
      onEvent: (event) => {
        // One Meta app can serve several numbers; only this desk's number rings here.
        // Account webhooks may name no number: they are about the whole WhatsApp Business account.
        if (event.phoneNumberId !== undefined && event.phoneNumberId !== c.phoneNumberId) {
          otherNumberCount += 1;
          log.warn('webhook for another phone number ignored', { phoneNumberId: event.phoneNumberId });
          return;
        }
        const signal = callSignalFromWebhook(event);
        if (signal) context.onSignal(signal);
      },
      onActivity: context.onActivity,
    });
  } catch (error) {
    webhookError = webhookStartSentence(error);
    log.error('webhook server did not start', { error: errorText(error) });
    return transport;
  }
  if (c.tunnel === 'ngrok') {
    tunnelState = 'starting';
    context.onChange();
    try {
      tunnel = await options.tunnels.open(webhook.port, c.ngrokAuthtoken);
      tunnelState = 'up';
    } catch (error) {
      tunnelState = 'error';
      tunnelError = errorText(error);
      log.warn('tunnel did not open', { error: tunnelError });
    }
  }
  return transport;
}

/** Why the webhook server did not start, for the agent: the port taken or refused, else the system's own words. */
function webhookStartSentence(error: unknown): Sentence {
  if (error instanceof WebhookServerStartError) {
    const { reason, host, port, detail } = error.why;
    if (reason === 'in_use') return sentence('webhookPortInUse', { port, host });
    if (reason === 'not_allowed') return sentence('webhookPortNotAllowed', { where: `${host}:${port}` });
    return sentence('webhookNotStarted', { where: `${host}:${port}`, error: detail ?? error.message });
  }
  return sentence('webhookNotStarted', { where: '', error: errorText(error) });
}
