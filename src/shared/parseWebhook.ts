import { z } from 'zod';
import { customerName } from './shownText';
import {
  AccountSettingsUpdateValue,
  AccountUpdateValue,
  alertsOfAccountUpdate,
  type AccountAlert,
} from './accountAlerts';
import {
  CallEntry,
  CallMediaEntry,
  CallStatusEntry,
  CallsValue,
  Contact,
  MessagesValue,
  PermissionReplyMessage,
  ListReplyMessage,
  ButtonReplyMessage,
  WebhookEnvelope,
  WebhookError,
} from './webhookSchemas';

export interface CallErrorInfo {
  /** Meta's code; an error may come without one. */
  code?: number;
  message: string;
}

export type CallEvent =
  | {
      type: 'call_offered';
      callId: string;
      phoneNumberId: string;
      /** The customer: their phone number, or their business-scoped user ID when Meta withholds the number. */
      from: string;
      to: string;
      callerName?: string;
      callerUsername?: string;
      customerUserId?: string;
      timestampMs: number;
      sdpOffer: string;
      bizOpaque?: string;
      /** The payload of the call button or deep link the customer tapped to call. */
      ctaPayload?: string;
      deeplinkPayload?: string;
    }
  | {
      type: 'call_terminated';
      callId: string;
      phoneNumberId: string;
      /** The customer, as for call_offered. */
      from: string;
      to: string;
      callerName?: string;
      callerUsername?: string;
      customerUserId?: string;
      direction?: string;
      status: string;
      timestampMs: number;
      durationSec?: number;
      errors: CallErrorInfo[];
      /** What the business sent with its answer (or connect), echoed; and the payloads the customer tapped. */
      bizOpaque?: string;
      ctaPayload?: string;
      deeplinkPayload?: string;
    }
  | {
      type: 'outbound_answered';
      callId: string;
      phoneNumberId: string;
      to: string;
      timestampMs: number;
      sdpAnswer: string;
    }
  | {
      type: 'outbound_status';
      callId: string;
      phoneNumberId: string;
      status: 'RINGING' | 'ACCEPTED' | 'REJECTED';
      recipient: string;
      timestampMs: number;
      bizOpaque?: string;
    }
  | {
      /** WhatsApp's own recording or transcript of a call is ready to download. */
      type: 'call_media_available';
      callId: string;
      phoneNumberId: string;
      kind: 'recording' | 'transcript';
      mediaId: string;
      sha256?: string;
      mimeType?: string;
      url?: string;
      timestampMs: number;
    }
  | {
      /**
       * About the number, not one call: errors a `calls` change carries alone (131044), `account_update`
       * restrictions and warnings, `account_settings_update`. Account webhooks may name no phone number ID.
       */
      type: 'account_alert';
      phoneNumberId?: string;
      alert: AccountAlert;
    }
  | {
      /** The customer chose a row of a list message (the post-call survey): its id, as the business wrote it. */
      type: 'list_reply';
      phoneNumberId: string;
      from: string;
      rowId: string;
      messageId: string;
      timestampMs: number;
    }
  | {
      /** The customer tapped a reply button (the queue's callback offer): its id, as the business wrote it. */
      type: 'button_reply';
      phoneNumberId: string;
      from: string;
      buttonId: string;
      messageId: string;
      timestampMs: number;
    }
  | {
      type: 'permission_reply';
      phoneNumberId: string;
      from: string;
      response: 'accept' | 'reject';
      permanent: boolean;
      expiresAtMs?: number;
      timestampMs: number;
    };

/** A part of a delivery that could not be read: where, why, and the start of what it held (for the Settings panel). */
export interface SkippedPart {
  path: string;
  reason: string;
  sample: string;
}

export type ParseResult =
  { ok: true; events: CallEvent[]; skipped: SkippedPart[] } | { ok: false; error: string; sample: string };

const OUTBOUND_STATUSES = new Set(['RINGING', 'ACCEPTED', 'REJECTED']);

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function sampleOf(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 500);
  } catch {
    return String(value).slice(0, 500);
  }
}

/** Parses one item; reports it in `skipped` with its path when it does not parse. */
function oneItem<T extends z.ZodType>(
  schema: T,
  item: unknown,
  path: string,
  skipped: SkippedPart[],
): z.infer<T> | undefined {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  skipped.push({ path, reason: describeIssues(parsed.error, path), sample: sampleOf(item) });
  return undefined;
}

/** Parses each element of `items` on its own: what parses is kept, what does not is reported with its path. */
function eachItem<T extends z.ZodType>(schema: T, items: unknown[] | undefined, path: string, skipped: SkippedPart[]) {
  return (items ?? []).flatMap((item, i) => {
    const parsed = oneItem(schema, item, `${path}[${i}]`, skipped);
    return parsed === undefined ? [] : [parsed as z.infer<T>];
  });
}

function toErrorInfo(errors: WebhookError[] | undefined): CallErrorInfo[] {
  return (errors ?? []).map((e) => ({
    code: e.code,
    message: e.error_data?.details ?? e.message ?? e.title ?? `error ${e.code ?? 'without a code'}`,
  }));
}

const eventOf = (item: unknown): unknown =>
  typeof item === 'object' && item !== null ? (item as Record<string, unknown>).event : undefined;
const typeOf = (item: unknown): unknown =>
  typeof item === 'object' && item !== null ? (item as Record<string, unknown>).type : undefined;

interface Customer {
  /** Phone number if Meta gave one, else the business-scoped user ID: what the desk keys the customer by. */
  key: string;
  userId?: string;
  name?: string;
  username?: string;
}

/** The customer of a call: the caller for a user-initiated call, the callee for one the business placed. */
function customerOf(call: CallEntry, contacts: Contact[]): Customer | undefined {
  const placedByBusiness = call.direction === 'BUSINESS_INITIATED';
  const phone = placedByBusiness ? call.to : call.from;
  const userId = placedByBusiness ? call.to_user_id : call.from_user_id;
  const key = phone ?? userId;
  if (!key) return undefined;
  const contact =
    contacts.find((c) => (phone && c.wa_id === phone) || (userId && c.user_id === userId)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  return {
    key,
    userId: userId ?? contact?.user_id,
    name: customerName(contact?.profile?.name),
    username: customerName(contact?.profile?.username),
  };
}

function callsEvents(value: CallsValue, prefix: string, skipped: SkippedPart[]): CallEvent[] {
  const phoneNumberId = value.metadata.phone_number_id;
  // Contacts only add names; one that cannot be read just leaves its caller unnamed.
  const contacts = eachItem(Contact, value.contacts, `${prefix}.contacts`, []);
  const valueErrors = eachItem(WebhookError, value.errors, `${prefix}.errors`, []);
  // Call events this phone does not know (Meta adds new ones) are acknowledged and left alone.
  const known = (value.calls ?? [])
    .map((item, i) => ({ item, i }))
    .filter(({ item }) => ['connect', 'terminate'].includes(String(eventOf(item))));
  const events: CallEvent[] = [];
  for (const { item, i } of known) {
    const call = oneItem(CallEntry, item, `${prefix}.calls[${i}]`, skipped);
    if (!call) continue;
    const offer = call.event === 'connect' && call.session.sdp_type === 'offer';
    // An offer comes from the customer; an answer (to the business's connect) is the customer's reply.
    const customer = customerOf(
      offer || call.event === 'terminate' ? call : { ...call, direction: 'BUSINESS_INITIATED' },
      contacts,
    );
    if (!customer) {
      skipped.push({
        path: `${prefix}.calls[${i}]`,
        reason: `${prefix}.calls[${i}].${offer || call.direction !== 'BUSINESS_INITIATED' ? 'from' : 'to'}: missing, and no business-scoped user ID instead`,
        sample: sampleOf(item),
      });
      continue;
    }
    // Built field by field: spreading `base` and `who` into each event cost ~6 µs a call (V8's slow clone path).
    const callId = call.id;
    const timestampMs = call.timestamp * 1000;
    if (call.event === 'connect' && !offer) {
      events.push({
        type: 'outbound_answered',
        callId,
        phoneNumberId,
        timestampMs,
        to: customer.key,
        sdpAnswer: call.session.sdp,
      });
      continue;
    }
    const to = (call.direction === 'BUSINESS_INITIATED' ? call.from : call.to) ?? '';
    if (call.event === 'connect') {
      events.push({
        type: 'call_offered',
        callId,
        phoneNumberId,
        timestampMs,
        from: customer.key,
        to,
        callerName: customer.name,
        callerUsername: customer.username,
        customerUserId: customer.userId,
        sdpOffer: call.session.sdp,
        bizOpaque: call.biz_opaque_callback_data,
        ctaPayload: call.cta_payload,
        deeplinkPayload: call.deeplink_payload,
      });
      continue;
    }
    events.push({
      type: 'call_terminated',
      callId,
      phoneNumberId,
      timestampMs,
      from: customer.key,
      to,
      callerName: customer.name,
      callerUsername: customer.username,
      customerUserId: customer.userId,
      direction: call.direction,
      status: call.status.toUpperCase(),
      durationSec: call.duration,
      // Live payloads repeat the errors at value level; prefer the call's own list.
      errors: toErrorInfo(call.errors ?? valueErrors),
      bizOpaque: call.biz_opaque_callback_data,
      ctaPayload: call.cta_payload,
      deeplinkPayload: call.deeplink_payload,
    });
  }
  const mediaNotices = (value.calls ?? [])
    .map((item, i) => ({ item, i }))
    .filter(({ item }) => ['call_recording_available', 'call_transcription_available'].includes(String(eventOf(item))));
  for (const { item, i } of mediaNotices) {
    const notice = oneItem(CallMediaEntry, item, `${prefix}.calls[${i}]`, skipped);
    if (!notice) continue;
    const file =
      notice.event === 'call_recording_available' ? notice.call_recording.audio : notice.call_transcript.document;
    events.push({
      type: 'call_media_available',
      callId: notice.id,
      phoneNumberId,
      kind: notice.event === 'call_recording_available' ? 'recording' : 'transcript',
      mediaId: file.id,
      sha256: file.sha256,
      mimeType: file.mime_type,
      url: file.url,
      timestampMs: notice.timestamp * 1000,
    });
  }
  if (value.calls === undefined && value.statuses === undefined)
    for (const error of toErrorInfo(valueErrors))
      events.push({
        type: 'account_alert',
        phoneNumberId,
        alert: { kind: 'calling_error', code: error.code, detail: error.message.slice(0, 500) },
      });
  const callStatuses = (value.statuses ?? [])
    .map((item, i) => ({ item, i }))
    .filter(({ item }) => typeOf(item) === 'call');
  for (const { item, i } of callStatuses) {
    const status = oneItem(CallStatusEntry, item, `${prefix}.statuses[${i}]`, skipped);
    if (!status || !OUTBOUND_STATUSES.has(status.status)) continue;
    events.push({
      type: 'outbound_status',
      callId: status.id,
      phoneNumberId,
      status: status.status as 'RINGING' | 'ACCEPTED' | 'REJECTED',
      recipient: status.recipient_id ?? status.recipient_user_id ?? '',
      timestampMs: status.timestamp * 1000,
      bizOpaque: status.biz_opaque_callback_data,
    });
  }
  return events;
}

function messagesEvents(value: z.infer<typeof MessagesValue>, prefix: string, skipped: SkippedPart[]): CallEvent[] {
  const events: CallEvent[] = [];
  for (const [i, message] of (value.messages ?? []).entries()) {
    // Only call-permission replies matter here; every other message kind is someone else's business.
    const interactive =
      typeof message === 'object' && message !== null ? (message as { interactive?: unknown }).interactive : undefined;
    if (typeOf(interactive) === 'list_reply') {
      const reply = oneItem(ListReplyMessage, message, `${prefix}.messages[${i}]`, skipped);
      const from = reply && (reply.from ?? reply.from_user_id);
      if (reply && from)
        events.push({
          type: 'list_reply',
          phoneNumberId: value.metadata.phone_number_id,
          from,
          rowId: reply.interactive.list_reply.id,
          messageId: reply.id,
          timestampMs: reply.timestamp * 1000,
        });
      continue;
    }
    if (typeOf(interactive) === 'button_reply') {
      const reply = oneItem(ButtonReplyMessage, message, `${prefix}.messages[${i}]`, skipped);
      const from = reply && (reply.from ?? reply.from_user_id);
      if (reply && from)
        events.push({
          type: 'button_reply',
          phoneNumberId: value.metadata.phone_number_id,
          from,
          buttonId: reply.interactive.button_reply.id,
          messageId: reply.id,
          timestampMs: reply.timestamp * 1000,
        });
      continue;
    }
    if (typeOf(interactive) !== 'call_permission_reply') continue;
    const parsed = oneItem(PermissionReplyMessage, message, `${prefix}.messages[${i}]`, skipped);
    if (!parsed) continue;
    const reply = parsed.interactive.call_permission_reply;
    const from = parsed.from ?? parsed.from_user_id;
    if (!from) {
      skipped.push({
        path: `${prefix}.messages[${i}]`,
        reason: `${prefix}.messages[${i}].from: missing, and no from_user_id`,
        sample: sampleOf(message),
      });
      continue;
    }
    events.push({
      type: 'permission_reply',
      phoneNumberId: value.metadata.phone_number_id,
      from,
      response: reply.response,
      permanent: reply.is_permanent ?? false,
      expiresAtMs: reply.expiration_timestamp === undefined ? undefined : reply.expiration_timestamp * 1000,
      timestampMs: parsed.timestamp * 1000,
    });
  }
  return events;
}

function accountEvents(field: string, raw: unknown, prefix: string, skipped: SkippedPart[]): CallEvent[] {
  if (field === 'account_settings_update') {
    const value = oneItem(AccountSettingsUpdateValue, raw, prefix, skipped);
    if (!value) return [];
    return [{ type: 'account_alert', phoneNumberId: value.phone_number_id, alert: { kind: 'settings_changed' } }];
  }
  const value = oneItem(AccountUpdateValue, raw, prefix, skipped);
  if (!value) return [];
  return alertsOfAccountUpdate(value).map((alert) => ({ type: 'account_alert' as const, alert }));
}

/**
 * Turns a webhook body into call events. Each change and each call, status and message is read on its own:
 * what parses is delivered, what does not is reported in `skipped` with its exact path, and unknown fields and
 * event kinds are ignored. Only a body that is not a WhatsApp webhook at all is refused as a whole.
 */
export function parseWebhook(body: unknown): ParseResult {
  const envelope = WebhookEnvelope.safeParse(body);
  if (!envelope.success) return { ok: false, error: describeIssues(envelope.error, ''), sample: sampleOf(body) };
  const events: CallEvent[] = [];
  const skipped: SkippedPart[] = [];
  for (const [e, entry] of envelope.data.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      const prefix = `entry[${e}].changes[${c}].value`;
      if (change.field === 'account_update' || change.field === 'account_settings_update') {
        events.push(...accountEvents(change.field, change.value, prefix, skipped));
        continue;
      }
      const schema = change.field === 'calls' ? CallsValue : change.field === 'messages' ? MessagesValue : undefined;
      // Other subscribed fields are acknowledged and ignored.
      if (!schema) continue;
      const value = schema.safeParse(change.value);
      if (!value.success) {
        skipped.push({ path: prefix, reason: describeIssues(value.error, prefix), sample: sampleOf(change.value) });
        continue;
      }
      if (change.field === 'calls') events.push(...callsEvents(value.data as CallsValue, prefix, skipped));
      else events.push(...messagesEvents(value.data as z.infer<typeof MessagesValue>, prefix, skipped));
    }
  }
  return { ok: true, events, skipped };
}
