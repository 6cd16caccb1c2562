import { z } from 'zod';
import {
  CallsValue,
  MessagesValue,
  PermissionReplyMessage,
  WebhookEnvelope,
  type WebhookError,
} from './webhookSchemas';

export interface CallErrorInfo {
  code: number;
  message: string;
}

export type CallEvent =
  | {
      type: 'call_offered';
      callId: string;
      phoneNumberId: string;
      from: string;
      to: string;
      callerName?: string;
      timestampMs: number;
      sdpOffer: string;
      bizOpaque?: string;
    }
  | {
      type: 'call_terminated';
      callId: string;
      phoneNumberId: string;
      from: string;
      to: string;
      callerName?: string;
      direction?: 'USER_INITIATED' | 'BUSINESS_INITIATED';
      status: string;
      timestampMs: number;
      durationSec?: number;
      errors: CallErrorInfo[];
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

export type ParseResult = { ok: true; events: CallEvent[] } | { ok: false; error: string };

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function toErrorInfo(errors: WebhookError[] | undefined): CallErrorInfo[] {
  return (errors ?? []).map((e) => ({
    code: e.code,
    message: e.error_data?.details ?? e.message ?? e.title ?? `error ${e.code}`,
  }));
}

function callsEvents(value: CallsValue): CallEvent[] {
  const phoneNumberId = value.metadata.phone_number_id;
  const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
  const events: CallEvent[] = [];
  for (const call of value.calls ?? []) {
    const base = { callId: call.id, phoneNumberId, timestampMs: call.timestamp * 1000 };
    if (call.event === 'connect') {
      if (call.session.sdp_type === 'offer') {
        events.push({
          ...base,
          type: 'call_offered',
          from: call.from,
          to: call.to,
          callerName: names.get(call.from),
          sdpOffer: call.session.sdp,
          bizOpaque: call.biz_opaque_callback_data,
        });
      } else {
        events.push({ ...base, type: 'outbound_answered', to: call.to, sdpAnswer: call.session.sdp });
      }
      continue;
    }
    events.push({
      ...base,
      type: 'call_terminated',
      from: call.from,
      to: call.to,
      callerName: names.get(call.from),
      direction: call.direction,
      status: call.status.toUpperCase(),
      durationSec: call.duration,
      // Live payloads repeat the errors at value level; prefer the call's own list.
      errors: toErrorInfo(call.errors ?? value.errors),
    });
  }
  for (const status of value.statuses ?? []) {
    events.push({
      type: 'outbound_status',
      callId: status.id,
      phoneNumberId,
      status: status.status,
      recipient: status.recipient_id,
      timestampMs: status.timestamp * 1000,
    });
  }
  return events;
}

function messagesEvents(value: z.infer<typeof MessagesValue>, prefix: string): ParseResult {
  const events: CallEvent[] = [];
  for (const [i, message] of (value.messages ?? []).entries()) {
    if (message.interactive?.type !== 'call_permission_reply') continue;
    const parsed = PermissionReplyMessage.safeParse(message);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error, `${prefix}.messages[${i}]`) };
    const reply = parsed.data.interactive.call_permission_reply;
    events.push({
      type: 'permission_reply',
      phoneNumberId: value.metadata.phone_number_id,
      from: parsed.data.from,
      response: reply.response,
      permanent: reply.is_permanent ?? false,
      expiresAtMs: reply.expiration_timestamp === undefined ? undefined : reply.expiration_timestamp * 1000,
      timestampMs: parsed.data.timestamp * 1000,
    });
  }
  return { ok: true, events };
}

/** Turns a webhook body into call events; any malformed part rejects the whole body with a path-precise message. */
export function parseWebhook(body: unknown): ParseResult {
  const envelope = WebhookEnvelope.safeParse(body);
  if (!envelope.success) return { ok: false, error: describeIssues(envelope.error, '') };
  const events: CallEvent[] = [];
  for (const [e, entry] of envelope.data.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      const prefix = `entry[${e}].changes[${c}].value`;
      if (change.field === 'calls') {
        const value = CallsValue.safeParse(change.value);
        if (!value.success) return { ok: false, error: describeIssues(value.error, prefix) };
        events.push(...callsEvents(value.data));
      } else if (change.field === 'messages') {
        const value = MessagesValue.safeParse(change.value);
        if (!value.success) return { ok: false, error: describeIssues(value.error, prefix) };
        const result = messagesEvents(value.data, prefix);
        if (!result.ok) return result;
        events.push(...result.events);
      }
      // Other subscribed fields are acknowledged and ignored.
    }
  }
  return { ok: true, events };
}
