import { signBody } from '../src/whatsapp/signature';

export interface SentWebhook {
  status: number;
  text: string;
}

/** POSTs a webhook body signed with the app secret, as Meta does. */
export async function postSignedWebhook(url: string, body: unknown, appSecret: string): Promise<SentWebhook> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signBody(raw, appSecret) },
    body: raw,
  });
  return { status: response.status, text: await response.text() };
}

export interface CallWebhookParams {
  callId: string;
  /** The customer: a phone number, or a business-scoped user ID (then sent as from_user_id, with no number). */
  from: string;
  /** The customer's WhatsApp username, when they use one. */
  username?: string;
  to?: string;
  callerName?: string;
  phoneNumberId: string;
  timestampSec?: number;
}

function envelope(phoneNumberId: string, to: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '553133154547046',
        changes: [
          {
            field: 'calls',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: to, phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A username customer is named by business-scoped user ID only (Meta's "Business-scoped user IDs" page). */
const isUserId = (customer: string) => /^[A-Z]{2}\./.test(customer);

function contactOf(params: CallWebhookParams) {
  const profile = {
    ...(params.callerName || !params.username ? { name: params.callerName ?? params.from } : {}),
    ...(params.username ? { username: params.username } : {}),
  };
  return isUserId(params.from) ? { profile, user_id: params.from } : { profile, wa_id: params.from };
}

const callerOf = (params: CallWebhookParams) =>
  isUserId(params.from) ? { from_user_id: params.from } : { from: params.from };

export function connectWebhook(params: CallWebhookParams & { sdpOffer: string; ctaPayload?: string }) {
  const to = params.to ?? '15551441906';
  return envelope(params.phoneNumberId, to, {
    contacts: [contactOf(params)],
    calls: [
      {
        id: params.callId,
        ...callerOf(params),
        to,
        event: 'connect',
        timestamp: String(params.timestampSec ?? Math.floor(Date.now() / 1000)),
        direction: 'USER_INITIATED',
        session: { sdp: params.sdpOffer, sdp_type: 'offer' },
        ...(params.ctaPayload === undefined ? {} : { cta_payload: params.ctaPayload }),
      },
    ],
  });
}

export function terminateWebhook(
  params: CallWebhookParams & {
    status: 'COMPLETED' | 'FAILED';
    /** Only for a call that was picked up, as Meta sends them (its example: duration = end_time - start_time). */
    startTimeSec?: number;
    endTimeSec?: number;
    durationSec?: number;
    error?: { code: number; message: string };
    /** Meta marks the end of a call the business placed as BUSINESS_INITIATED. */
    direction?: 'USER_INITIATED' | 'BUSINESS_INITIATED';
    /** Echoed biz_opaque_callback_data, and the payloads of the call button or deep link the customer tapped. */
    bizOpaque?: string;
    ctaPayload?: string;
    deeplinkPayload?: string;
  },
) {
  const to = params.to ?? '15551441906';
  const errors = params.error
    ? [
        {
          code: params.error.code,
          title: params.error.message,
          message: params.error.message,
          error_data: { details: params.error.message },
        },
      ]
    : undefined;
  return envelope(params.phoneNumberId, to, {
    contacts: [contactOf(params)],
    calls: [
      {
        id: params.callId,
        ...callerOf(params),
        to,
        event: 'terminate',
        timestamp: String(params.timestampSec ?? Math.floor(Date.now() / 1000)),
        direction: params.direction ?? 'USER_INITIATED',
        status: params.status,
        ...(params.bizOpaque === undefined ? {} : { biz_opaque_callback_data: params.bizOpaque }),
        ...(params.ctaPayload === undefined ? {} : { cta_payload: params.ctaPayload }),
        ...(params.deeplinkPayload === undefined ? {} : { deeplink_payload: params.deeplinkPayload }),
        ...(params.startTimeSec === undefined ? {} : { start_time: String(params.startTimeSec) }),
        ...(params.endTimeSec === undefined ? {} : { end_time: String(params.endTimeSec) }),
        ...(params.durationSec === undefined ? {} : { duration: params.durationSec }),
        ...(errors ? { errors } : {}),
      },
    ],
    ...(errors ? { errors } : {}),
  });
}

/** A business-initiated call's connect webhook: WhatsApp's answer to the business's offer. */
export function outboundAnswerWebhook(params: {
  callId: string;
  customer: string;
  business?: string;
  phoneNumberId: string;
  sdpAnswer: string;
}) {
  const business = params.business ?? '15551441906';
  return envelope(params.phoneNumberId, business, {
    contacts: [{ wa_id: params.customer }],
    calls: [
      {
        id: params.callId,
        from: business,
        to: params.customer,
        event: 'connect',
        timestamp: String(Math.floor(Date.now() / 1000)),
        direction: 'BUSINESS_INITIATED',
        session: { sdp: params.sdpAnswer, sdp_type: 'answer' },
      },
    ],
  });
}

export function callStatusWebhook(params: {
  callId: string;
  customer: string;
  phoneNumberId: string;
  status: 'RINGING' | 'ACCEPTED' | 'REJECTED';
  bizOpaque?: string;
}) {
  return envelope(params.phoneNumberId, '15551441906', {
    statuses: [
      {
        id: params.callId,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'call',
        status: params.status,
        recipient_id: params.customer,
        ...(params.bizOpaque === undefined ? {} : { biz_opaque_callback_data: params.bizOpaque }),
      },
    ],
  });
}

/** A customer's answer to a call-permission request: a `messages` webhook (Meta's "User call permissions" page). */
export function permissionReplyWebhook(params: {
  customer: string;
  phoneNumberId: string;
  response: 'accept' | 'reject';
  permanent?: boolean;
  validForSec?: number;
}) {
  const now = Math.floor(Date.now() / 1000);
  const sender = isUserId(params.customer) ? { from_user_id: params.customer } : { from: params.customer };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '553133154547046',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15551441906', phone_number_id: params.phoneNumberId },
              messages: [
                {
                  ...sender,
                  id: `wamid.SIMREPLY${now}`,
                  timestamp: String(now),
                  type: 'interactive',
                  interactive: {
                    type: 'call_permission_reply',
                    call_permission_reply: {
                      response: params.response,
                      is_permanent: params.permanent ?? false,
                      ...(params.response === 'accept' && !params.permanent
                        ? { expiration_timestamp: String(now + (params.validForSec ?? 7 * 86_400)) }
                        : {}),
                      response_source: 'user_action',
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/**
 * What Meta sends after a call it recorded or transcribed ("Call recording" / "Call transcription" pages, 2026):
 * a calls-field event with the media ID, its base64 SHA-256, type and a 5-minute download address.
 */
export function callMediaWebhook(
  params: CallWebhookParams & {
    kind: 'recording' | 'transcript';
    file: { id: string; sha256: string; mimeType: string; url: string };
  },
) {
  const to = params.to ?? '15551441906';
  const file = {
    id: params.file.id,
    sha256: params.file.sha256,
    mime_type: params.file.mimeType,
    url: params.file.url,
  };
  return envelope(params.phoneNumberId, to, {
    calls: [
      {
        id: params.callId,
        ...callerOf(params),
        timestamp: String(params.timestampSec ?? Math.floor(Date.now() / 1000)),
        ...(params.kind === 'recording'
          ? { event: 'call_recording_available', call_recording: { type: 'audio', audio: file } }
          : { event: 'call_transcription_available', call_transcript: { document: file } }),
      },
    ],
  });
}
