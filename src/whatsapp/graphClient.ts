import type { z } from 'zod';
import {
  addressee,
  isUserId,
  CallActionBody,
  CallPermissionResponse,
  ConnectResponse,
  GraphErrorBody,
  MessageSentResponse,
  PermissionRequestBody,
  TemplateMessageBody,
  TextMessageBody,
  CallButtonMessageBody,
  ListMessageBody,
  ButtonMessageBody,
  MediaUrlResponse,
  PhoneNumberInfo,
  SuccessResponse,
} from '../shared/graphSchemas';
import type { CaptureRequest } from '../shared/metaCapture';
import type { CallButton } from '../shared/followUpButton';
import { mayCarryToken } from './mediaHosts';
import { readBoundedResponse } from './readBody';
import { CallingSettingsResponse, CallingSettingsUpdateBody } from '../shared/callingSettings';
import { redact } from './logger';
import { RequestTimedOut, requestText, type TextReply } from './httpText';

/** A Graph API reply is a small JSON object; anything near this size is not one. */
const MAX_REPLY_BYTES = 1024 * 1024;

export interface GraphClientConfig {
  accessToken: string;
  phoneNumberId: string;
  baseUrl?: string;
  apiVersion?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The approved call-permission template sent when the customer last wrote more than 24 hours ago. */
  permissionTemplate?: { name: string; language: string };
}

/** Meta's "re-engagement" error: more than 24 hours since the customer last wrote, so only a template goes. */
const OUTSIDE_SERVICE_WINDOW = 131047;

export type GraphFailureKind = 'graph' | 'timeout' | 'network' | 'bad_response' | 'bad_request';

/** A failed Graph API call, with everything an agent or operator needs and never the token. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    readonly kind: GraphFailureKind,
    message: string,
    readonly details: {
      action: string;
      httpStatus?: number;
      code?: number;
      subcode?: number;
      type?: string;
      fbtraceId?: string;
      errorDetails?: string;
      /** True when the connection was never made, so the request cannot have taken effect. */
      requestNotSent?: boolean;
    },
  ) {
    super(message);
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const DEFAULT_BASE = 'https://graph.facebook.com';
const DEFAULT_VERSION = 'v23.0';

function describeGraphError(action: string, status: number, err: GraphErrorBody['error']): string {
  const hint = err.code === 190 ? ' Check the access token in Settings.' : '';
  const detail = err.error_data?.details ? ` (${err.error_data.details})` : '';
  return `WhatsApp rejected ${action}: ${err.message}${detail} [HTTP ${status}, code ${err.code}]${hint}`;
}

export function createGraphClient(config: GraphClientConfig) {
  const fetchFn = config.fetch ?? fetch;
  const base = (config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  const version = config.apiVersion ?? DEFAULT_VERSION;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const clean = (text: string): string => redact(text, [config.accessToken]);

  async function request<T>(
    action: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    /** A Graph object of its own (a media ID) rather than a path under the phone number. */
    objectId?: string,
  ): Promise<T> {
    const url =
      objectId === undefined
        ? `${base}/${version}/${encodeURIComponent(config.phoneNumberId)}${path ? `/${path}` : ''}`
        : `${base}/${version}/${encodeURIComponent(objectId)}`;
    let response: TextReply;
    try {
      response = await requestText(url, {
        method,
        headers: {
          Authorization: `Bearer ${config.accessToken}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
        maxBytes: MAX_REPLY_BYTES,
      });
    } catch (error) {
      if (error instanceof RequestTimedOut) {
        throw new GraphApiError('timeout', `WhatsApp did not answer ${action} within ${timeoutMs} ms`, { action });
      }
      const failure = error as Error & { code?: string };
      throw new GraphApiError('network', clean(`Could not reach the WhatsApp API for ${action}: ${failure.message}`), {
        action,
        requestNotSent: NOT_SENT_CODES.has(failure.code ?? ''),
      });
    }
    const ok = response.status >= 200 && response.status < 300;
    const text = response.text;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!ok) {
      const parsed = GraphErrorBody.safeParse(json);
      if (!parsed.success) {
        throw new GraphApiError(
          'graph',
          clean(`WhatsApp API answered ${action} with HTTP ${response.status}: ${text.slice(0, 200) || 'empty body'}`),
          { action, httpStatus: response.status },
        );
      }
      const err = parsed.data.error;
      throw new GraphApiError('graph', clean(describeGraphError(action, response.status, err)), {
        action,
        httpStatus: response.status,
        code: err.code,
        subcode: err.error_subcode,
        type: err.type,
        fbtraceId: err.fbtrace_id,
        errorDetails: err.error_data?.details,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new GraphApiError(
        'bad_response',
        clean(`Unexpected WhatsApp API reply to ${action}: ${text.slice(0, 200)}`),
        {
          action,
          httpStatus: response.status,
        },
      );
    }
    return parsed.data;
  }

  function callAction(body: CallActionBody) {
    const checked = CallActionBody.safeParse(body);
    if (!checked.success) {
      throw new GraphApiError('bad_request', `Refusing to send ${body.action}: ${checked.error.issues[0]?.message}`, {
        action: body.action,
      });
    }
    return checked.data;
  }

  const messaging_product = 'whatsapp' as const;

  /** GETs a media file with the token, refusing one larger than `maxBytes` before or while it arrives. */
  async function fetchMedia(url: string, maxBytes: number): Promise<{ bytes: Buffer; mimeType?: string }> {
    const action = 'media_download';
    let response: Response;
    try {
      response = await fetchFn(url, {
        headers: { Authorization: `Bearer ${config.accessToken}` },
        signal: AbortSignal.timeout(timeoutMs * 6),
        redirect: 'error',
      });
    } catch (error) {
      throw new GraphApiError('network', clean(`Could not download the file from WhatsApp: ${String(error)}`), {
        action,
      });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new GraphApiError('graph', `WhatsApp answered the download with HTTP ${response.status}`, {
        action,
        httpStatus: response.status,
      });
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new GraphApiError('bad_response', `The file is ${declared} bytes, more than the ${maxBytes} allowed`, {
        action,
      });
    }
    const bytes = await readBoundedResponse(
      response,
      maxBytes,
      () => new GraphApiError('bad_response', `The file is larger than the ${maxBytes} bytes allowed`, { action }),
    );
    return { bytes, mimeType: response.headers.get('content-type') ?? undefined };
  }

  /** Sends `body`; when WhatsApp answers that the 24 h window is closed (131047), sends the approved template. */
  async function sendOrTemplate(
    action: string,
    body: unknown,
    to: string,
    template: { name: string; language: string } | undefined,
  ): Promise<{ messageId: string; via: 'message' | 'template' }> {
    try {
      const reply = await request(action, 'POST', 'messages', body, MessageSentResponse);
      return { messageId: reply.messages[0]!.id, via: 'message' };
    } catch (error) {
      if (!(error instanceof GraphApiError) || error.details.code !== OUTSIDE_SERVICE_WINDOW || !template) throw error;
      const templated = TemplateMessageBody.parse({
        messaging_product,
        recipient_type: 'individual',
        ...addressee(to),
        type: 'template',
        template: { name: template.name, language: { code: template.language } },
      });
      const reply = await request(`${action}_template`, 'POST', 'messages', templated, MessageSentResponse);
      return { messageId: reply.messages[0]!.id, via: 'template' };
    }
  }

  return {
    async preAccept(callId: string, sdpAnswer: string, options: { bizOpaque?: string } = {}): Promise<void> {
      const body = callAction({
        messaging_product,
        call_id: callId,
        action: 'pre_accept',
        session: { sdp_type: 'answer', sdp: sdpAnswer },
        ...(options.bizOpaque === undefined ? {} : { biz_opaque_callback_data: options.bizOpaque }),
      });
      await request('pre_accept', 'POST', 'calls', body, SuccessResponse);
    },
    async accept(
      callId: string,
      sdpAnswer: string,
      options: { bizOpaque?: string; capture?: CaptureRequest } = {},
    ): Promise<void> {
      const body = callAction({
        messaging_product,
        call_id: callId,
        action: 'accept',
        session: { sdp_type: 'answer', sdp: sdpAnswer },
        ...(options.bizOpaque === undefined ? {} : { biz_opaque_callback_data: options.bizOpaque }),
        ...options.capture,
      });
      await request('accept', 'POST', 'calls', body, SuccessResponse);
    },
    async reject(callId: string): Promise<void> {
      await request(
        'reject',
        'POST',
        'calls',
        callAction({ messaging_product, call_id: callId, action: 'reject' }),
        SuccessResponse,
      );
    },
    async terminate(callId: string): Promise<void> {
      const body = callAction({ messaging_product, call_id: callId, action: 'terminate' });
      await request('terminate', 'POST', 'calls', body, SuccessResponse);
    },
    async connect(
      to: string,
      sdpOffer: string,
      options: { bizOpaque?: string; capture?: CaptureRequest } = {},
    ): Promise<{ callId: string }> {
      const body = callAction({
        messaging_product,
        ...addressee(to),
        action: 'connect',
        session: { sdp_type: 'offer', sdp: sdpOffer },
        ...(options.bizOpaque === undefined ? {} : { biz_opaque_callback_data: options.bizOpaque }),
        ...options.capture,
      });
      const reply = await request('connect', 'POST', 'calls', body, ConnectResponse);
      return { callId: reply.calls[0]!.id };
    },
    /**
     * Downloads a media file WhatsApp made (a call's recording or transcript): from the webhook's short-lived
     * address where that is Meta's, else from a fresh one the Media API gives for the ID. At most `maxBytes`.
     */
    async downloadMedia(
      mediaId: string,
      hintUrl: string | undefined,
      maxBytes: number,
    ): Promise<{ bytes: Buffer; mimeType?: string }> {
      if (hintUrl && mayCarryToken(hintUrl, base)) {
        const first = await fetchMedia(hintUrl, maxBytes).catch(() => undefined);
        if (first) return first;
        // Expired (the address lives 5 minutes) or refused: the Media API gives a fresh one.
      }
      const info = await request('media_url', 'GET', '', undefined, MediaUrlResponse, mediaId);
      if (!mayCarryToken(info.url, base))
        throw new GraphApiError('bad_response', 'WhatsApp gave a download address outside its own servers', {
          action: 'media_download',
        });
      const file = await fetchMedia(info.url, maxBytes);
      return { bytes: file.bytes, mimeType: info.mime_type ?? file.mimeType };
    },
    /** Reads the phone number's public details: the cheapest proof that token and phone number ID fit together. */
    async phoneNumberInfo(): Promise<z.infer<typeof PhoneNumberInfo>> {
      return request('phone_number', 'GET', '', undefined, PhoneNumberInfo);
    },
    /** Asks the customer for permission to call them (limits: 1 a day, 2 a week per customer). */
    async requestCallPermission(
      to: string,
      text: string,
    ): Promise<{ messageId: string; via: 'interactive' | 'template' }> {
      const body = PermissionRequestBody.parse({
        messaging_product,
        recipient_type: 'individual',
        ...addressee(to),
        type: 'interactive',
        interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text } },
      });
      const sent = await sendOrTemplate('call_permission_request', body, to, config.permissionTemplate);
      return { messageId: sent.messageId, via: sent.via === 'template' ? 'template' : 'interactive' };
    },
    /**
     * A missed call's follow-up: plain text, or with WhatsApp's call button; outside the 24 h window, `template`
     * instead.
     */
    async sendMessage(
      to: string,
      text: string,
      template?: { name: string; language: string },
      callButton?: CallButton,
    ): Promise<{ messageId: string; via: 'message' | 'template' }> {
      const body = callButton
        ? CallButtonMessageBody.parse({
            messaging_product,
            recipient_type: 'individual',
            ...addressee(to),
            type: 'interactive',
            interactive: {
              type: 'voice_call',
              body: { text: text.slice(0, 1024) },
              action: {
                name: 'voice_call',
                parameters: { display_text: callButton.label, payload: callButton.payload },
              },
            },
          })
        : TextMessageBody.parse({
            messaging_product,
            recipient_type: 'individual',
            ...addressee(to),
            type: 'text',
            text: { body: text },
          });
      return sendOrTemplate('message', body, to, template);
    },
    /** A list message (the post-call survey): sent as it is, within the customer service window. */
    async sendList(body: ListMessageBody): Promise<{ messageId: string }> {
      const reply = await request('list_message', 'POST', 'messages', ListMessageBody.parse(body), MessageSentResponse);
      return { messageId: reply.messages[0]!.id };
    },
    /** A reply buttons message (the queue's callback offer), within the customer service window. */
    async sendButtons(body: ButtonMessageBody): Promise<{ messageId: string }> {
      const reply = await request(
        'button_message',
        'POST',
        'messages',
        ButtonMessageBody.parse(body),
        MessageSentResponse,
      );
      return { messageId: reply.messages[0]!.id };
    },
    /** The number's calling settings (calling on/off, SIP, call hours, restrictions). */
    async callingSettings(): Promise<CallingSettingsResponse> {
      return request('calling_settings', 'GET', 'settings', undefined, CallingSettingsResponse);
    },
    /** Needs the whatsapp_business_management permission on the token. */
    async updateCallingSettings(body: CallingSettingsUpdateBody): Promise<void> {
      await request(
        'update_calling_settings',
        'POST',
        'settings',
        CallingSettingsUpdateBody.parse(body),
        SuccessResponse,
      );
    },
    async callPermission(customer: string): Promise<CallPermissionResponse> {
      // A customer known only by business-scoped user ID is asked about as `recipient`.
      const param = isUserId(customer) ? 'recipient' : 'user_wa_id';
      const query = `call_permissions?${param}=${encodeURIComponent(customer)}`;
      return request('call_permissions', 'GET', query, undefined, CallPermissionResponse);
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
