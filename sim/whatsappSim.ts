import { randomBytes } from 'node:crypto';
import { buttonReplyWebhook } from './buttonReplyWebhook';
import { createFarEnd, type FarEnd, type FarEndOptions } from './farEnd';
import { startGraphApiSim, type GraphApiSim, type SimCall } from './graphApiSim';
import { toneWav, transcriptDocument } from './callMediaFiles';
import {
  callMediaWebhook,
  callStatusWebhook,
  connectWebhook,
  outboundAnswerWebhook,
  postSignedWebhook,
  permissionReplyWebhook,
  terminateWebhook,
} from './webhookSender';

export interface WhatsAppSimOptions {
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  /** How customers respond to calls the business places. */
  outbound?: OutboundBehaviour;
  /** The app's webhook URL; can be set later with setWebhookUrl. */
  webhookUrl?: string;
  graphPort?: number;
  farEnd?: FarEndOptions;
}

export interface OutboundBehaviour {
  /** unreachable: WhatsApp ends the call at once (138001), before its reply to connect has even arrived. */
  answer: 'accept' | 'reject' | 'no_answer' | 'unreachable';
  /** How long the customer's phone rings before they answer or decline. */
  ringMs?: number;
}

export interface SimulatedCall {
  callId: string;
  from: string;
  farEnd: FarEnd;
  /** When the connect webhook left for the app. */
  webhookSentAtMs?: number;
  /** How the call ended from WhatsApp's point of view, once it has. */
  endedBy?: 'business_reject' | 'business_terminate' | 'caller_hangup' | 'no_media';
  /** Placed by the business (the customer's phone is the far end). */
  outbound?: boolean;
  /** The call button's payload the customer tapped: Meta repeats it on terminate. */
  ctaPayload?: string;
}

/**
 * WhatsApp in a box: a Graph API that checks requests as Meta does, plus real WebRTC callers that
 * ring the app through signed webhooks and hang up through terminate webhooks.
 */
/** A picked-up call's times as its terminate webhook gives them: whole seconds, duration = end_time - start_time. */
function pickedUp(startMs: number, endMs: number) {
  const startTimeSec = Math.floor(startMs / 1000);
  const endTimeSec = Math.floor(endMs / 1000);
  return { startTimeSec, endTimeSec, durationSec: endTimeSec - startTimeSec };
}

export async function startWhatsAppSim(options: WhatsAppSimOptions) {
  const graph: GraphApiSim = await startGraphApiSim({
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    port: options.graphPort,
  });
  const calls = new Map<string, SimulatedCall>();
  let webhookUrl = options.webhookUrl;

  async function send(body: unknown): Promise<number> {
    if (!webhookUrl) throw new Error('the app webhook URL is not set');
    return (await postSignedWebhook(webhookUrl, body, options.appSecret)).status;
  }

  async function sendTerminate(
    call: SimulatedCall,
    status: 'COMPLETED' | 'FAILED',
    error?: { code: number; message: string },
  ) {
    const pre = graph.calls.get(call.callId);
    const answered = pre?.state === 'accepted' || pre?.state === 'terminated';
    await send(
      terminateWebhook({
        callId: call.callId,
        from: call.from,
        phoneNumberId: options.phoneNumberId,
        status,
        error,
        // The call's real length from the pick-up, as Meta bills it (start_time, end_time, duration).
        ...(pre?.acceptedAtMs === undefined ? {} : pickedUp(pre.acceptedAtMs, Date.now())),
        direction: call.outbound ? 'BUSINESS_INITIATED' : 'USER_INITIATED',
        // Meta echoes what the business sent with its answer or connect ("API & Webhook Reference").
        bizOpaque: pre?.callbackData,
        ctaPayload: call.ctaPayload,
      }),
    );
    if (answered && pre?.capture)
      setTimeout(() => void deliverCapture(call, pre.capture!).catch(() => undefined), mediaDelayMs);
  }

  /** After a captured call ends, Meta processes it and sends one webhook per file (typically within a minute). */
  let mediaDelayMs = 300;
  /** What the simulated transcript says, in turns. */
  let transcriptTurns: Array<{ speaker: 'Business' | 'Customer'; text: string }> = [
    { speaker: 'Business', text: 'Hello, how can I help?' },
    { speaker: 'Customer', text: 'My parcel has not arrived yet.' },
  ];
  async function deliverCapture(call: SimulatedCall, capture: NonNullable<SimCall['capture']>): Promise<void> {
    const base = { callId: call.callId, from: call.from, phoneNumberId: options.phoneNumberId };
    if (capture.recording) {
      const mimeType = 'audio/wav';
      const file = graph.addMedia(toneWav(1.5), mimeType);
      await send(callMediaWebhook({ ...base, kind: 'recording', file: { ...file, mimeType } }));
    }
    if (capture.transcription) {
      const mimeType = 'application/json';
      const file = graph.addMedia(transcriptDocument(transcriptTurns), mimeType);
      await send(callMediaWebhook({ ...base, kind: 'transcript', file: { ...file, mimeType } }));
    }
  }

  let outbound: OutboundBehaviour = options.outbound ?? { answer: 'accept', ringMs: 300 };

  /** A customer's phone taking a call the business placed: answer SDP, ringing, then accept or decline. */
  async function customerPickUp(simCall: { id: string; offerSdp?: string; to?: string }): Promise<void> {
    const customer = simCall.to ?? '';
    const call: SimulatedCall = {
      callId: simCall.id,
      from: customer,
      outbound: true,
      farEnd: await createFarEnd({ ...options.farEnd, answerTo: simCall.offerSdp }),
    };
    calls.set(call.callId, call);
    const base = { callId: call.callId, customer, phoneNumberId: options.phoneNumberId };
    if (outbound.answer === 'unreachable') {
      call.endedBy = 'caller_hangup';
      graph.endCall(call.callId);
      call.farEnd.close();
      await sendTerminate(call, 'FAILED', { code: 138001, message: 'Receiver is uncallable' });
      return;
    }
    await send(outboundAnswerWebhook({ ...base, sdpAnswer: call.farEnd.offerSdp }));
    const bizOpaque = graph.calls.get(call.callId)?.callbackData;
    await send(callStatusWebhook({ ...base, status: 'RINGING', bizOpaque }));
    if (outbound.answer === 'no_answer') return;
    await new Promise((r) => setTimeout(r, outbound.ringMs ?? 300));
    if (call.endedBy) return;
    if (outbound.answer === 'accept') {
      const pre = graph.calls.get(call.callId);
      if (pre) Object.assign(pre, { state: 'accepted', acceptedAtMs: Date.now() });
      await send(callStatusWebhook({ ...base, status: 'ACCEPTED', bizOpaque }));
    } else {
      call.endedBy = 'caller_hangup';
      graph.endCall(call.callId);
      call.farEnd.close();
      await send(callStatusWebhook({ ...base, status: 'REJECTED', bizOpaque }));
      await sendTerminate(call, 'COMPLETED');
    }
  }

  /** How simulated customers answer call-permission requests; by default they do not answer. */
  let permissionAnswer: 'accept' | 'reject' | undefined;
  graph.onPermissionRequest((customer) => {
    const answer = permissionAnswer;
    if (!answer) return;
    setTimeout(() => {
      // Meta records the permission, then tells the business with a messages webhook.
      if (answer === 'accept') graph.setPermission(customer, 'temporary');
      void send(permissionReplyWebhook({ customer, phoneNumberId: options.phoneNumberId, response: answer })).catch(
        () => undefined,
      );
    }, 200);
  });

  graph.onAction((action, simCall) => {
    if (action === 'connect') {
      void customerPickUp(simCall).catch(() => undefined);
      return;
    }
    const call = calls.get(simCall.id);
    if (!call) return;
    if (action === 'pre_accept' && simCall.answerSdp) {
      void call.farEnd.applyAnswer(simCall.answerSdp);
    } else if (action === 'reject' || action === 'terminate') {
      call.endedBy ??= action === 'reject' ? 'business_reject' : 'business_terminate';
      call.farEnd.close();
      // Meta confirms the end of every call with a terminate webhook.
      void sendTerminate(call, 'COMPLETED').catch(() => undefined);
    }
  });

  return {
    graph,
    calls,
    graphBaseUrl: graph.baseUrl,
    setWebhookUrl(url: string): void {
      webhookUrl = url;
    },
    /**
     * The customer of the newest buttons message (a queue's callback offer) taps one of its buttons, as WhatsApp then
     * tells the business with a messages webhook. Returns who tapped what; undefined when no such message was sent.
     */
    async tapLatestButtons(which = 0): Promise<{ customer: string; title: string } | undefined> {
      const offer = [...graph.textMessages].reverse().find((m) => m.kind === 'buttons');
      const button = offer?.kind === 'buttons' ? offer.buttons[which] : undefined;
      if (!offer || !button) return undefined;
      const messageId = `wamid.SIMTAP${randomBytes(8).toString('hex')}`;
      const tap = { customer: offer.customer, phoneNumberId: options.phoneNumberId, messageId };
      const status = await send(buttonReplyWebhook({ ...tap, buttonId: button.id, title: button.title }));
      if (status !== 200) throw new Error(`the business answered the customer's tap with ${status}`);
      return { customer: offer.customer, title: button.title };
    },
    /**
     * What Meta does when the callback URL is saved in its dashboard: a GET with hub.mode=subscribe, the verify
     * token and a challenge, which must come back verbatim. Returns whether it did.
     */
    async verifyWebhook(verifyToken: string): Promise<boolean> {
      if (!webhookUrl) return false;
      const challenge = String(Math.floor(Math.random() * 1e9));
      const url = new URL(webhookUrl);
      url.searchParams.set('hub.mode', 'subscribe');
      url.searchParams.set('hub.challenge', challenge);
      url.searchParams.set('hub.verify_token', verifyToken);
      const reply = await fetch(url);
      return reply.status === 200 && (await reply.text()) === challenge;
    },
    /** How long after a captured call ends its recording and transcript webhooks come. */
    setMediaDelay(ms: number): void {
      mediaDelayMs = ms;
    },
    setTranscript(turns: Array<{ speaker: 'Business' | 'Customer'; text: string }>): void {
      transcriptTurns = turns;
    },
    setOutbound(next: OutboundBehaviour): void {
      outbound = next;
    },
    /** Makes simulated customers answer call-permission requests (200 ms later). */
    answerPermissionRequests(answer: 'accept' | 'reject' | undefined): void {
      permissionAnswer = answer;
    },
    /** A WhatsApp user calls the business: returns once the app has acknowledged the connect webhook. */
    async placeCall(
      params: {
        /** A phone number, or a business-scoped user ID for a customer who uses a username. */
        from?: string;
        name?: string;
        username?: string;
        farEnd?: FarEndOptions;
        /** The payload of the call button the customer tapped (cta_payload). */
        ctaPayload?: string;
        /** Changes the offer as it goes into the webhook, to send what a real WhatsApp client might. */
        mangleOffer?: (sdp: string) => string;
      } = {},
    ): Promise<SimulatedCall> {
      const callId = `wacid.SIM${randomBytes(18).toString('base64url')}`;
      const from = params.from ?? `4477009${Math.floor(100000 + Math.random() * 899999)}`;
      const farEnd = await createFarEnd({
        ...options.farEnd,
        ...params.farEnd,
        onNoMedia: () => {
          const call = calls.get(callId);
          if (!call) return;
          call.endedBy ??= 'no_media';
          graph.endCall(callId);
          call.farEnd.close();
          const message = 'WhatsApp client terminated the call due to not receiving any media for a long time.';
          void sendTerminate(call, 'FAILED', { code: 138021, message }).catch(() => undefined);
        },
      });
      const call: SimulatedCall = { callId, from, farEnd, ctaPayload: params.ctaPayload };
      calls.set(callId, call);
      graph.offerCall(callId, call.farEnd.offerSdp);
      call.webhookSentAtMs = Date.now();
      const status = await send(
        connectWebhook({
          callId,
          from,
          callerName: params.name,
          username: params.username,
          phoneNumberId: options.phoneNumberId,
          ctaPayload: params.ctaPayload,
          sdpOffer: params.mangleOffer ? params.mangleOffer(call.farEnd.offerSdp) : call.farEnd.offerSdp,
        }),
      );
      if (status !== 200) throw new Error(`the app answered the connect webhook with HTTP ${status}`);
      return call;
    },
    /** The WhatsApp user hangs up. */
    async hangUp(callId: string): Promise<void> {
      const call = calls.get(callId);
      if (!call) throw new Error(`no simulated call ${callId}`);
      call.endedBy ??= 'caller_hangup';
      graph.endCall(callId);
      call.farEnd.close();
      await sendTerminate(call, 'COMPLETED');
    },
    async close(): Promise<void> {
      for (const call of calls.values()) call.farEnd.close();
      await graph.close();
    },
  };
}

export type WhatsAppSim = Awaited<ReturnType<typeof startWhatsAppSim>>;
