import { accountAlertSentence, type ReceivedAccountAlert } from '../shared/accountAlerts';
import type { CallSignal } from '../shared/callSignals';
import type { CallEvent } from '../shared/parseWebhook';
import { callSignalFromWebhook } from '../whatsapp/callSignalFromWebhook';
import type { Logger } from '../whatsapp/logger';
import type { RelayMetrics } from './metrics';
import type { Bus } from './bus';
import { takerOf, type CallStore } from './callStore';
import type { TeamFloor } from './team/teamFloor';
import type { BusinessNumbers } from './businessNumbers';
import type { CallRecorder } from './records/callRecorder';
import type { Router } from './routing';
import type { CallSurveys } from './surveys/callSurveys';
import type { QueueCallbacks } from './callbacks/queueCallbacks';

/** Meta's webhooks, taken once across all instances and turned into offers and events for the agents. */
export function createWebhookIntake(deps: {
  numbers: Pick<BusinessNumbers, 'has' | 'get' | 'several'>;
  store: CallStore;
  floor: TeamFloor;
  router: Router;
  bus: Bus;
  log: Logger;
  metrics?: Pick<RelayMetrics, 'callOffered' | 'callEnded' | 'accountAlert'>;
  records?: CallRecorder;
  /** WhatsApp's word about the number (restrictions, warnings, errors about no one call): for the board. */
  onAccountAlert?: (alert: ReceivedAccountAlert) => Promise<void>;
  /** The post-call survey: sent when an answered call ends, its answers taken from the messages webhook. */
  surveys?: Pick<CallSurveys, 'afterCall' | 'answer'>;
  /** Queue callbacks: the customer's tap on "call me back", and how the calls placed for them went. */
  callbacks?: Pick<QueueCallbacks, 'answer' | 'callOutcome' | 'permissionAnswered'>;
}) {
  const { store, floor, router, bus, log, metrics, records } = deps;

  /**
   * Answers and statuses of calls an agent placed go to that agent only. They can overtake the reply to
   * connect, so they are kept per call and replayed once the owner is known (a repeat is harmless).
   */
  async function routeOutbound(
    signal: Extract<CallSignal, { type: 'outbound_answered' | 'outbound_status' }>,
    receivedAtMs: number,
  ): Promise<void> {
    await store.keepEarly(signal.callId, signal);
    const owner = await store.placedBy(signal.callId);
    if (owner && signal.type === 'outbound_status' && signal.status === 'ACCEPTED')
      records?.record({ kind: 'answered', callId: signal.callId, agentId: owner, atMs: receivedAtMs });
    if (owner) await bus.publish({ kind: 'direct', callId: signal.callId, targets: [owner], event: signal });
    if (signal.type === 'outbound_status' && signal.status !== 'RINGING')
      await deps.callbacks?.callOutcome(signal.callId, signal.status);
  }

  /** Runs `handle` for the first delivery of `eventKey`; if handling fails, the next delivery is taken again. */
  async function once(eventKey: string, handle: () => Promise<void>): Promise<void> {
    if (!(await store.firstTime(eventKey))) return;
    try {
      await handle();
    } catch (error) {
      await store.forget(eventKey).catch(() => undefined);
      throw error;
    }
  }

  /** Resolves once the event is recorded and routed; rejects when Redis could not take it (Meta must retry). */
  return async function onWebhookEvent(event: CallEvent): Promise<void> {
    // The relay's own receipt, to the millisecond: Meta stamps calls to the whole second only.
    const receivedAtMs = Date.now();
    if (event.type === 'account_alert') {
      // Account webhooks may name no number: they are about the whole WhatsApp Business account.
      if (event.phoneNumberId !== undefined && !deps.numbers.has(event.phoneNumberId)) return;
      log.warn('WhatsApp account alert', { alert: event.alert, sentence: accountAlertSentence(event.alert) });
      metrics?.accountAlert(event.alert);
      await deps.onAccountAlert?.({ alert: event.alert, atMs: receivedAtMs, phoneNumberId: event.phoneNumberId });
      return;
    }
    if (!deps.numbers.has(event.phoneNumberId)) {
      // Another number on the same Meta app: not this team's calls.
      log.warn('webhook for another phone number ignored', { phoneNumberId: event.phoneNumberId });
      return;
    }
    if (event.type === 'list_reply') {
      const surveys = deps.surveys;
      if (surveys) await once(`list:${event.messageId}`, async () => void (await surveys.answer(event)));
      return;
    }
    if (event.type === 'button_reply') {
      const callbacks = deps.callbacks;
      if (callbacks) await once(`button:${event.messageId}`, async () => void (await callbacks.answer(event)));
      return;
    }
    const signal = callSignalFromWebhook(event);
    if (!signal) return;
    if (signal.type === 'call_offered' && deps.numbers.several)
      signal.line = deps.numbers.get(event.phoneNumberId)?.name;
    /** A call this team was offered (its offer still kept), placed, or still has in its model. */
    const knownCall = async (callId: string): Promise<boolean> =>
      Boolean((await store.offer(callId)) ?? (await store.placedBy(callId)) ?? (await floor.call(callId)));
    switch (signal.type) {
      case 'outbound_answered':
        return once(`answer:${signal.callId}`, () => routeOutbound(signal, receivedAtMs));
      case 'outbound_status':
        return once(`status:${signal.callId}:${signal.status}`, () => routeOutbound(signal, receivedAtMs));
      case 'call_offered':
        return (async () => {
          try {
            const taken = await router.take(signal, event.phoneNumberId);
            if (!taken) return;
            const queue = taken.queue;
            metrics?.callOffered(queue);
            records?.record({
              kind: 'offered',
              callId: signal.callId,
              customer: signal.from,
              customerName: signal.callerName,
              queue,
              phoneNumberId: event.phoneNumberId,
              atMs: receivedAtMs,
              metaAtMs: signal.timestampMs,
            });
          } catch (error) {
            // Not rung anywhere: Meta's next delivery must be taken again.
            await store.forget(`offer:${signal.callId}`).catch(() => undefined);
            throw error;
          }
        })();
      case 'call_terminated':
        return once(`terminate:${signal.callId}`, async () => {
          const [claim, queue, turnedAway] = await Promise.all([
            store.owner(signal.callId),
            store.queueOf(signal.callId),
            store.wasTurnedAway(signal.callId),
          ]);
          const owner = takerOf(claim);
          if (!claim && !(await knownCall(signal.callId))) {
            // Never offered to this team nor placed by it: nothing to end, and nothing for the figures.
            log.warn('terminate for a call this team never saw: ignored', { callId: signal.callId });
            return;
          }
          // A call its queue turned away is counted as such when it is turned away, not as missed.
          if (!turnedAway) metrics?.callEnded(Boolean(owner), signal.durationSec, queue ?? undefined);
          records?.record({
            kind: 'ended',
            callId: signal.callId,
            customer: signal.from,
            status: signal.status,
            billedSeconds: signal.durationSec,
            errorCode: signal.errors[0]?.code,
            callbackData: signal.bizOpaque,
            ctaPayload: signal.ctaPayload,
            deeplinkPayload: signal.deeplinkPayload,
            atMs: receivedAtMs,
          });
          await floor.apply({ kind: 'end', callId: signal.callId });
          await store.endActive(signal.callId);
          // A callback's call that ends unanswered counts an attempt (an answered one was completed already).
          await deps.callbacks?.callOutcome(signal.callId, 'ENDED');
          await bus.publish({ kind: 'event', callId: signal.callId, event: signal });
          // After the call, not before Meta's delivery is confirmed: a slow Graph API must not hold the webhook.
          // The rating is for the agent who had the call last: one who handed it to a bot holds it no more.
          const agent = owner ?? (await floor.call(signal.callId))?.wrapUpsGiven.at(-1);
          if (deps.surveys && agent && queue) {
            const surveys = deps.surveys;
            void store
              .offer(signal.callId)
              .then((offer) =>
                surveys.afterCall({
                  callId: signal.callId,
                  queueId: queue,
                  agentId: agent,
                  customer: signal.from,
                  offeredAtMs: offer?.timestampMs,
                }),
              )
              .catch((error: unknown) => log.warn('post-call survey failed', { error: String(error) }));
          }
        });
      case 'permission_reply':
        return once(`permission:${signal.customer}:${signal.response}:${signal.expiresAtMs ?? ''}`, async () => {
          // The customer's number is theirs: only the agent who asked hears the answer.
          // A callback waiting for this answer is offered again, or given up when they refuse.
          await deps.callbacks?.permissionAnswered(signal.customer, signal.response === 'accept');
          const requester = await store.permissionRequester(signal.customer);
          if (requester) {
            await bus.publish({
              kind: 'direct',
              callId: `permission:${signal.customer}`,
              targets: [requester],
              event: signal,
            });
          }
        });
      case 'call_media':
        return once(`media:${signal.callId}:${signal.kind}:${signal.mediaId}`, async () => {
          // A recording or transcript is the answering agent's alone.
          const { type: _type, ...notice } = signal;
          await store.keepMedia(notice);
          const owner = await store.owner(signal.callId);
          if (owner) await bus.publish({ kind: 'direct', callId: signal.callId, targets: [owner], event: signal });
          else log.warn('recording for a call no agent answered', { callId: signal.callId, kind: signal.kind });
        });
      case 'call_taken':
      case 'missed_handled':
        return;
    }
  };
}
