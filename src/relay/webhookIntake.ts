import type { CallSignal } from '../shared/callSignals';
import type { CallEvent } from '../shared/parseWebhook';
import { callSignalFromWebhook } from '../whatsapp/callSignalFromWebhook';
import type { Bus } from './bus';
import type { CallStore } from './callStore';
import type { Presence } from './presence';
import type { Router } from './routing';

/** Meta's webhooks, taken once across all instances and turned into offers and events for the agents. */
export function createWebhookIntake(deps: { store: CallStore; presence: Presence; router: Router; bus: Bus }) {
  const { store, presence, router, bus } = deps;

  /**
   * Answers and statuses of calls an agent placed go to that agent only. They can overtake the reply to
   * connect, so they are kept per call and replayed once the owner is known (a repeat is harmless).
   */
  async function routeOutbound(
    signal: Extract<CallSignal, { type: 'outbound_answered' | 'outbound_status' }>,
  ): Promise<void> {
    await store.keepEarly(signal.callId, signal);
    const owner = await store.placedBy(signal.callId);
    if (owner) await bus.publish({ kind: 'direct', callId: signal.callId, targets: [owner], event: signal });
  }

  return async function onWebhookEvent(event: CallEvent): Promise<void> {
    const signal = callSignalFromWebhook(event);
    if (!signal) return;
    switch (signal.type) {
      case 'outbound_answered':
        if (await store.firstTime(`answer:${signal.callId}`)) await routeOutbound(signal);
        return;
      case 'outbound_status':
        if (await store.firstTime(`status:${signal.callId}:${signal.status}`)) await routeOutbound(signal);
        return;
      case 'call_offered':
        if (!(await store.firstTime(`offer:${signal.callId}`))) return;
        if (await store.terminated(signal.callId)) return;
        await store.saveOffer(signal);
        await router.offer(signal);
        return;
      case 'call_terminated': {
        if (!(await store.firstTime(`terminate:${signal.callId}`))) return;
        const owner = await store.owner(signal.callId);
        if (owner) await presence.mark(owner, 'available', Date.now());
        await bus.publish({ kind: 'event', callId: signal.callId, event: signal });
        return;
      }
      case 'call_taken':
        return;
    }
  };
}
