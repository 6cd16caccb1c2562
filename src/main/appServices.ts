import type { EventChannel, EventPayload, InvokeHandlers } from '../shared/ipcContract';
import { createCallCoordinator } from './callCoordinator';
import type { AppConfig } from './config';
import { createGraphClient } from './graphClient';
import type { Logger } from './logger';
import { startWebhookServer, type WebhookServer } from './webhookServer';

export type EventSink = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

/**
 * Everything the main process runs for the phone, with no Electron in it, so the same services
 * serve the Electron window and the browser host used by tests and the demo.
 */
export async function startAppServices(config: AppConfig, logger: Logger, emit: EventSink) {
  const graph = createGraphClient({
    accessToken: config.accessToken,
    phoneNumberId: config.phoneNumberId,
    baseUrl: config.graphBaseUrl,
    apiVersion: config.graphApiVersion,
  });
  const coordinator = createCallCoordinator({ graph, logger });
  coordinator.onUpdate((view) => emit('call:updated', view));

  let webhook: WebhookServer | undefined;
  let webhookError: string | undefined;
  try {
    webhook = await startWebhookServer({
      appSecret: config.appSecret,
      verifyToken: config.verifyToken,
      port: config.webhookPort,
      host: config.webhookHost,
      logger,
      onEvent: (event) => coordinator.handleEvent(event),
    });
  } catch (error) {
    webhookError = error instanceof Error ? error.message : String(error);
    logger.error('webhook server did not start', { error: webhookError });
  }

  const handlers: InvokeHandlers = {
    'call:answer': ({ callId, sdpAnswer }) => coordinator.answer(callId, sdpAnswer),
    'call:reject': ({ callId }) => coordinator.reject(callId),
    'call:hangup': ({ callId }) => coordinator.hangup(callId),
    'call:mediaFailed': ({ callId, reason }) => coordinator.mediaFailed(callId, reason),
    'calls:list': async () => coordinator.list(),
    'app:status': async () => ({
      webhookUrl: webhook?.url,
      problems: webhookError ? [webhookError] : [],
      iceServers: config.iceServers,
    }),
  };

  return {
    handlers,
    coordinator,
    webhookUrl: webhook?.url,
    webhookError,
    async close(): Promise<void> {
      await coordinator.shutdown();
      await webhook?.close();
    },
  };
}

export type AppServices = Awaited<ReturnType<typeof startAppServices>>;
