import type { CallSignal } from '../shared/callSignals';
import type { CallEvent } from '../shared/parseWebhook';

/** The part of a webhook event a desk acts on. */
export function callSignalFromWebhook(event: CallEvent): CallSignal | undefined {
  switch (event.type) {
    case 'call_offered':
      return {
        type: 'call_offered',
        callId: event.callId,
        from: event.from,
        callerName: event.callerName,
        callerUsername: event.callerUsername,
        customerUserId: event.customerUserId,
        sdpOffer: event.sdpOffer,
        timestampMs: event.timestampMs,
        ctaPayload: event.ctaPayload,
        deeplinkPayload: event.deeplinkPayload,
        phoneNumberId: event.phoneNumberId,
      };
    case 'call_terminated':
      return {
        type: 'call_terminated',
        callId: event.callId,
        from: event.from,
        callerName: event.callerName,
        callerUsername: event.callerUsername,
        customerUserId: event.customerUserId,
        status: event.status,
        direction: event.direction,
        durationSec: event.durationSec,
        errors: event.errors,
        bizOpaque: event.bizOpaque,
        ctaPayload: event.ctaPayload,
        deeplinkPayload: event.deeplinkPayload,
      };
    case 'outbound_answered':
      return { type: 'outbound_answered', callId: event.callId, sdpAnswer: event.sdpAnswer };
    case 'outbound_status':
      return { type: 'outbound_status', callId: event.callId, status: event.status, bizOpaque: event.bizOpaque };
    case 'call_media_available':
      return {
        type: 'call_media',
        callId: event.callId,
        kind: event.kind,
        mediaId: event.mediaId,
        sha256: event.sha256,
        mimeType: event.mimeType,
        url: event.url,
      };
    case 'account_alert':
      return { type: 'account_alert', alert: event.alert, phoneNumberId: event.phoneNumberId };
    case 'list_reply':
    case 'button_reply':
      // A survey's answer or a callback request is the relay's to keep, not a call event for a desk.
      return undefined;
    case 'permission_reply':
      return {
        type: 'permission_reply',
        customer: event.from,
        response: event.response,
        permanent: event.permanent,
        expiresAtMs: event.expiresAtMs,
      };
  }
}
