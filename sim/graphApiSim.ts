import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallActionBody } from '../src/shared/graphSchemas';
import { answerRuleViolations } from './answerRules';
import { readCallbackData } from './callbackDataRules';
import { callHoursProblem } from './callHoursRules';
import { sipProblem } from './sipRules';
import { announcementOf, readCapture, type CaptureAsked } from './captureRules';
import { readPermissionMessage, type PermissionMessage } from './messageRules';

export type SimCallState = 'offered' | 'pre_accepted' | 'accepted' | 'rejected' | 'terminated' | 'dialing';

export interface SimCall {
  id: string;
  state: SimCallState;
  answerSdp?: string;
  offerSdp?: string;
  to?: string;
  /** What WhatsApp was asked to record or transcribe on accept (or connect). */
  capture?: CaptureAsked;
  /** biz_opaque_callback_data as last given (pre_accept, accept or connect): echoed in terminate and statuses. */
  callbackData?: string;
  /** When the call was picked up (accept, or the customer taking a business call): its terminate's start_time. */
  acceptedAtMs?: number;
}

/** A file WhatsApp made (a call's recording or transcript), downloadable with the token. */
export interface SimMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  sha256: string;
  /** The webhook's short-lived address has expired: only the Media API's fresh one works. */
  webhookUrlExpired?: boolean;
  /** Served with other bytes than its checksum says (a broken transfer). */
  corrupt?: boolean;
  downloads: number;
}

export interface RecordedRequest {
  /** When the request had been read and judged. */
  atMs: number;
  /** When its headers arrived: the moment the app had sent it, on loopback. */
  arrivedAtMs: number;
  /** When the reply was written: from here the app has it. */
  repliedAtMs?: number;
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
  status: number;
}

/** A response to force for the next matching request: an HTTP error, a delay, or both. */
export interface Fault {
  action: string;
  status?: number;
  body?: unknown;
  delayMs?: number;
  times?: number;
}

export type ActionListener = (action: string, call: SimCall) => void;

export interface GraphApiSimOptions {
  accessToken: string;
  phoneNumberId: string;
  port?: number;
  /** More business numbers, each with its own token: a token acts on its own number only. */
  otherNumbers?: Record<string, string>;
}

function graphError(code: number, message: string, details?: string) {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: `A${randomBytes(8).toString('hex')}`,
    },
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(Symbol.for('invalid-json'));
      }
    });
  });
}

/**
 * Plays the Graph API calling endpoints the way Meta checks them: token, phone number id, known call id,
 * pre_accept before accept with the identical SDP answer, one SHA-256 fingerprint, Opus present.
 */
export async function startGraphApiSim(options: GraphApiSimOptions) {
  const calls = new Map<string, SimCall>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const listeners = new Set<ActionListener>();
  const permissionRequestListeners = new Set<(customer: string) => void>();
  const messageListeners = new Set<(message: PermissionMessage) => void>();
  const permissions = new Map<string, 'no_permission' | 'temporary' | 'permanent'>();
  const permissionRequests: string[] = [];
  /** Every permission request delivered, and how it was sent. */
  const permissionMessages: PermissionMessage[] = [];
  /** Plain messages delivered (missed-call follow-ups). */
  const textMessages: PermissionMessage[] = [];
  /** Customers who last wrote more than 24 hours ago: only a template reaches them. */
  const closedWindows = new Set<string>();
  /** Approved templates as `name/language`. */
  const templates = new Set<string>();
  /** The token carries whatsapp_business_management, which the settings endpoints need. */
  let management = true;
  // As GET /{phone-number-id}/settings answers in Meta's Settings API sample (lower-case enums there).
  let callingSettings: Record<string, unknown> = {
    calling: {
      status: 'enabled',
      call_icon_visibility: 'visible',
      callback_permission_status: 'enabled',
      video: { status: 'enabled' },
    },
    payload_encryption: { status: 'disabled' },
  };

  /**
   * Meta's rules for POST settings ("Configure Call Settings"): fields given replace the current ones, and
   * call_hours is replaced whole, so a request without holiday_schedule deletes the holidays.
   */
  function applyCallingSettings(raw: unknown): string | undefined {
    const calling = (raw as { calling?: Record<string, unknown> } | undefined)?.calling;
    if (typeof calling !== 'object' || calling === null) return 'calling is required';
    const onOff = ['ENABLED', 'DISABLED'];
    if (calling.status !== undefined && !onOff.includes(String(calling.status))) return 'status: ENABLED or DISABLED';
    if (calling.callback_permission_status !== undefined && !onOff.includes(String(calling.callback_permission_status)))
      return 'callback_permission_status: ENABLED or DISABLED';
    if (
      calling.call_icon_visibility !== undefined &&
      !['DEFAULT', 'DISABLE_ALL'].includes(String(calling.call_icon_visibility))
    )
      return 'call_icon_visibility: DEFAULT or DISABLE_ALL';
    // "Configure Call Settings": G.711 may be added beside Opus (which cannot be removed); the call button may be
    // limited to countries by their two-letter codes.
    const audio = calling.audio as { additional_codecs?: unknown } | undefined;
    if (audio !== undefined) {
      const codecs = audio.additional_codecs;
      if (!Array.isArray(codecs) || codecs.some((c) => c !== 'PCMA' && c !== 'PCMU'))
        return 'audio.additional_codecs: a list of PCMA and/or PCMU (Opus is always on)';
    }
    const icons = calling.call_icons as { restrict_to_user_countries?: unknown } | undefined;
    if (icons !== undefined) {
      const countries = icons.restrict_to_user_countries;
      if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c)))
        return 'call_icons.restrict_to_user_countries: ISO 3166 alpha-2 country codes';
    }
    const hours = calling.call_hours as Record<string, unknown> | undefined;
    if (hours !== undefined) {
      if (!onOff.includes(String(hours.status))) return 'call_hours.status: ENABLED or DISABLED';
      if (typeof hours.timezone_id !== 'string') return 'call_hours.timezone_id is required';
      if (hours.status === 'ENABLED' && !Array.isArray(hours.weekly_operating_hours))
        return 'call_hours.weekly_operating_hours is required when call hours are enabled';
      const problem = callHoursProblem(hours);
      if (problem) return problem;
    }
    const current = (callingSettings.calling ?? {}) as Record<string, unknown>;
    const merged = { ...current, ...calling };
    const sipRefused = sipProblem(calling, merged);
    if (sipRefused) return sipRefused;
    callingSettings = { ...callingSettings, calling: merged };
    return undefined;
  }

  function takeFault(action: string): Fault | undefined {
    const index = faults.findIndex((f) => f.action === action);
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    return fault;
  }

  function handleAction(body: CallActionBody): { status: number; body: unknown } {
    if (body.action === 'connect') {
      const id = `wacid.SIM${randomBytes(12).toString('base64url')}`;
      calls.set(id, { id, state: 'dialing', offerSdp: body.session.sdp, to: body.to ?? body.recipient });
      return { status: 200, body: { messaging_product: 'whatsapp', calls: [{ id }] } };
    }
    const call = calls.get(body.call_id);
    if (!call) return { status: 400, body: graphError(100, 'Invalid parameter', `Invalid call-id ${body.call_id}`) };
    const ended = call.state === 'rejected' || call.state === 'terminated';
    if (ended)
      return {
        status: 400,
        body: graphError(100, 'Invalid parameter', 'The WhatsApp user has already terminated the call'),
      };
    switch (body.action) {
      case 'pre_accept': {
        if (call.state !== 'offered')
          return {
            status: 400,
            body: graphError(100, 'Invalid parameter', `pre_accept on a call that is ${call.state}`),
          };
        const problems = answerRuleViolations(body.session.sdp, call.offerSdp);
        if (problems.length > 0)
          return { status: 400, body: graphError(138008, 'SDP Validation error', problems.join('; ')) };
        call.answerSdp = body.session.sdp;
        call.state = 'pre_accepted';
        break;
      }
      case 'accept': {
        if (call.state === 'accepted')
          return { status: 400, body: graphError(100, 'Invalid parameter', 'Accept an already In Progress call') };
        if (call.state !== 'pre_accepted')
          return { status: 400, body: graphError(100, 'Invalid parameter', 'accept before pre_accept') };
        if (body.session.sdp !== call.answerSdp) {
          return {
            status: 400,
            body: graphError(
              100,
              'Invalid parameter',
              'SDP answer provided in accept does not match the SDP answer given in the Pre-Accept endpoint for the same call-id',
            ),
          };
        }
        call.state = 'accepted';
        call.acceptedAtMs = Date.now();
        break;
      }
      case 'reject':
        if (call.state !== 'offered' && call.state !== 'pre_accepted') {
          return { status: 400, body: graphError(100, 'Invalid parameter', `Reject a call that is ${call.state}`) };
        }
        call.state = 'rejected';
        break;
      case 'terminate':
        call.state = 'terminated';
        break;
    }
    return { status: 200, body: { messaging_product: 'whatsapp', success: true } };
  }

  async function route(
    req: IncomingMessage,
    url: URL,
  ): Promise<{
    status: number;
    body: unknown;
    action?: string;
    requestBody?: unknown;
    file?: { bytes: Buffer; type: string };
  }> {
    const auth = req.headers.authorization;
    const tokens = [options.accessToken, ...Object.values(options.otherNumbers ?? {})];
    if (!tokens.some((t) => auth === `Bearer ${t}`)) {
      return { status: 401, body: graphError(190, 'Invalid OAuth access token - Cannot parse access token') };
    }
    // The lookaside download address of a media file ("Download the recording": an authenticated GET).
    const download = /^\/media-files\/([^/]+)$/.exec(url.pathname);
    if (download) {
      const file = media.get(decodeURIComponent(download[1]!));
      if (!file || (url.searchParams.get('via') === 'webhook' && file.webhookUrlExpired))
        return { status: 404, body: graphError(100, 'Media not found'), action: 'media_download' };
      file.downloads += 1;
      const bytes = file.corrupt ? Buffer.concat([file.bytes, Buffer.from('garbage')]) : file.bytes;
      return { status: 200, body: undefined, action: 'media_download', file: { bytes, type: file.mimeType } };
    }
    const match = /^\/v\d+\.\d+\/([^/]+)(?:\/(calls|call_permissions|messages|settings))?$/.exec(url.pathname);
    if (!match) return { status: 404, body: graphError(100, 'Unknown path components') };
    const phoneNumberId = decodeURIComponent(match[1]!);
    const known = !match[2] && req.method === 'GET' ? media.get(phoneNumberId) : undefined;
    if (known) {
      // Meta's Media API: GET /{media-id} gives a fresh download address.
      return {
        status: 200,
        action: 'media_url',
        body: {
          messaging_product: 'whatsapp',
          url: mediaUrl(known.id, 'api'),
          mime_type: known.mimeType,
          sha256: known.sha256,
          file_size: known.bytes.byteLength,
          id: known.id,
        },
      };
    }
    if (!match[2] && req.method === 'GET') {
      if (phoneNumberId !== options.phoneNumberId) {
        const message = `Unsupported get request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
        return { status: 400, body: { error: { ...graphError(100, message).error, error_subcode: 33 } } };
      }
      return {
        status: 200,
        body: {
          id: phoneNumberId,
          display_phone_number: '+1 555-144-1906',
          verified_name: 'Simulated Business',
          quality_rating: 'GREEN',
        },
      };
    }
    if (!match[2]) return { status: 405, body: graphError(100, 'Unsupported method') };
    const numberToken =
      phoneNumberId === options.phoneNumberId ? options.accessToken : options.otherNumbers?.[phoneNumberId];
    if (!numberToken) {
      return { status: 400, body: graphError(100, 'Invalid parameter', 'Invalid phone-number-id') };
    }
    if (auth !== `Bearer ${numberToken}`) {
      // Another WhatsApp Business account's token: Meta answers with a permissions error.
      return { status: 403, body: graphError(200, '(#200) Permissions error'), action: match[2] };
    }
    if (match[2] === 'settings') {
      if (!management)
        return { status: 403, body: graphError(200, '(#200) Permissions error'), action: 'calling_settings' };
      if (req.method === 'GET') return { status: 200, body: callingSettings, action: 'calling_settings' };
      const raw = await readJson(req);
      const problem = applyCallingSettings(raw);
      if (problem) return { status: 400, body: graphError(100, 'Invalid parameter', problem), requestBody: raw };
      return { status: 200, body: { success: true }, requestBody: raw, action: 'update_calling_settings' };
    }
    if (match[2] === 'call_permissions' && req.method === 'GET') {
      const fault = takeFault('call_permissions');
      if (fault?.status)
        return {
          status: fault.status,
          body: fault.body ?? graphError(2, 'Service temporarily unavailable'),
          action: 'call_permissions',
        };
      // A number as user_wa_id, or a business-scoped user ID as recipient (Meta's pages, 2026).
      const user = url.searchParams.get('user_wa_id') ?? url.searchParams.get('recipient') ?? '';
      const status = permissions.get(user) ?? 'no_permission';
      return {
        status: 200,
        action: 'call_permissions',
        body: {
          messaging_product: 'whatsapp',
          permission: { status },
          actions: [
            { action_name: 'send_call_permission_request', can_perform_action: status !== 'permanent' },
            { action_name: 'start_call', can_perform_action: status !== 'no_permission' },
          ],
        },
      };
    }
    if (req.method !== 'POST') return { status: 405, body: graphError(100, 'Unsupported method') };
    const raw = await readJson(req);
    if (match[2] === 'messages') {
      const message = readPermissionMessage(raw);
      if ('problem' in message)
        return { status: 400, body: graphError(100, 'Invalid parameter', message.problem), requestBody: raw };
      const customer = message.customer;
      if (message.kind !== 'template' && closedWindows.has(customer)) {
        // Meta's error reference: 131047 "Re-engagement message".
        const details =
          'Message failed to send because more than 24 hours have passed since the customer last replied to this number.';
        return { status: 400, body: graphError(131047, 'Re-engagement message', details), requestBody: raw };
      }
      if (message.kind === 'template' && !templates.has(`${message.name}/${message.language}`)) {
        const details = `template name (${message.name}) does not exist in ${message.language}`;
        return {
          status: 404,
          body: graphError(132001, 'Template name does not exist in the translation', details),
          requestBody: raw,
        };
      }
      if (
        message.kind === 'text' ||
        message.kind === 'call_button' ||
        message.kind === 'list' ||
        message.kind === 'buttons'
      ) {
        textMessages.push(message);
        for (const listener of messageListeners) listener(message);
        return {
          status: 200,
          action: message.kind === 'list' ? 'list_message' : message.kind === 'buttons' ? 'button_message' : 'message',
          requestBody: raw,
          body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.SIM${randomBytes(8).toString('hex')}` }] },
        };
      }
      permissionMessages.push(message);
      permissionRequests.push(customer);
      for (const listener of permissionRequestListeners) listener(customer);
      return {
        status: 200,
        action: 'call_permission_request',
        requestBody: raw,
        body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.SIM${randomBytes(8).toString('hex')}` }] },
      };
    }
    const callbackData = readCallbackData(raw);
    if ('problem' in callbackData)
      return { status: 400, body: graphError(100, 'Invalid parameter', callbackData.problem), requestBody: raw };
    const parsed = CallActionBody.safeParse(raw);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return { status: 400, body: graphError(100, 'Invalid parameter', details), requestBody: raw };
    }
    const action = parsed.data.action;
    const capture = action === 'accept' || action === 'connect' ? readCapture(raw) : { asked: {} };
    if ('problem' in capture)
      return { status: 400, body: graphError(100, 'Invalid parameter', capture.problem), action, requestBody: raw };
    const fault = takeFault(action);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    // A forced error means the action did not take effect, as with a real 5xx or 429 from Meta.
    if (fault?.status)
      return {
        status: fault.status,
        body: fault.body ?? graphError(138004, 'Connection error'),
        action,
        requestBody: raw,
      };
    const result = handleAction(parsed.data);
    const callId =
      parsed.data.action === 'connect'
        ? (result.body as { calls?: Array<{ id: string }> }).calls?.[0]?.id
        : parsed.data.call_id;
    const call = callId ? calls.get(callId) : undefined;
    if (result.status === 200 && call && callbackData.value !== undefined) call.callbackData = callbackData.value;
    const announcement = announcementOf(capture.asked);
    if (result.status === 200 && call && announcement) {
      call.capture = capture.asked;
      // Meta mixes this into both audio streams before capture starts.
      announcements.push({ callId: call.id, text: announcement });
    }
    return { ...result, action, requestBody: raw };
  }

  let connectReplyDelayMs = 0;
  const media = new Map<string, SimMedia>();
  const announcements: Array<{ callId: string; text: string }> = [];
  let port = 0;
  const mediaUrl = (id: string, via: 'webhook' | 'api') =>
    `http://127.0.0.1:${port}/media-files/${encodeURIComponent(id)}?via=${via}`;

  function notify(result: { status: number; action?: string; body: unknown; requestBody?: unknown }): void {
    const requestBody = result.requestBody as { call_id?: string } | undefined;
    const connectedId = (result.body as { calls?: Array<{ id: string }> }).calls?.[0]?.id;
    const callId = requestBody?.call_id ?? connectedId;
    const call = callId ? calls.get(callId) : undefined;
    if (result.status === 200 && result.action && call) for (const listener of listeners) listener(result.action, call);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAtMs = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const result = await route(req, url);
    const status = result.status;
    const recorded: RecordedRequest = {
      atMs: Date.now(),
      arrivedAtMs,
      method: req.method ?? '',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      body: result.requestBody,
      status,
    };
    requests.push(recorded);
    // Meta's connect webhook can overtake its own API reply; the delay lets tests reproduce that.
    const early = result.action === 'connect' && connectReplyDelayMs > 0;
    if (early) {
      notify(result);
      await new Promise((r) => setTimeout(r, connectReplyDelayMs));
    }
    if (res.destroyed) return;
    if (result.file) {
      res.writeHead(status, { 'Content-Type': result.file.type, 'Content-Length': result.file.bytes.byteLength });
      res.end(result.file.bytes);
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(result.body));
    recorded.repliedAtMs = Date.now();
    if (!early) notify(result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(graphError(1, String(error))));
    });
  });
  // Idle connections are kept a minute (Node's default is 5 s): a client whose event loop runs late
  // on a busy machine reuses a connection the server has just closed, and its request fails as a network error.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    calls,
    permissionRequests,
    permissionMessages,
    announcements,
    media,
    /** Keeps a file WhatsApp made; returns its ID and the webhook's download address. */
    addMedia(bytes: Buffer, mimeType: string): { id: string; url: string; sha256: string } {
      const id = String(1_000_000_000_000 + media.size * 7919 + Math.floor(Math.random() * 1000));
      const sha256 = createHash('sha256').update(bytes).digest('base64');
      media.set(id, { id, bytes, mimeType, sha256, downloads: 0 });
      return { id, url: mediaUrl(id, 'webhook'), sha256 };
    },
    textMessages,
    /** The customer last wrote more than 24 hours ago (or never): interactive messages to them are refused. */
    closeServiceWindow(customer: string): void {
      closedWindows.add(customer);
    },
    /** Replaces what GET settings answers (a Meta-shaped object). */
    setCallingSettings(next: Record<string, unknown>): void {
      callingSettings = next;
    },
    get callingSettings(): Record<string, unknown> {
      return callingSettings;
    },
    /** Whether the token carries whatsapp_business_management. */
    setManagementPermission(granted: boolean): void {
      management = granted;
    },
    /** A template approved in WhatsApp Manager, usable for call-permission requests. */
    approveTemplate(name: string, language: string): void {
      templates.add(`${name}/${language}`);
    },
    /** Registers a call Meta has offered, so the app may act on its id. */
    offerCall(id: string, offerSdp?: string): SimCall {
      const call: SimCall = { id, state: 'offered', offerSdp };
      calls.set(id, call);
      return call;
    },
    /** Marks a call ended by the caller, as Meta does before sending the terminate webhook. */
    endCall(id: string): void {
      const call = calls.get(id);
      if (call) call.state = 'terminated';
    },
    /** Called for every call-permission request Meta would deliver to a customer. */
    onPermissionRequest(listener: (customer: string) => void): () => void {
      permissionRequestListeners.add(listener);
      return () => permissionRequestListeners.delete(listener);
    },
    /** Called for every text, call button, list or buttons message Meta would deliver to a customer. */
    onMessage(listener: (message: PermissionMessage) => void): () => void {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    setPermission(userWaId: string, status: 'no_permission' | 'temporary' | 'permanent'): void {
      permissions.set(userWaId, status);
    },
    setConnectReplyDelay(ms: number): void {
      connectReplyDelayMs = ms;
    },
    addFault(fault: Fault): void {
      faults.push(fault);
    },
    /** Faults added and not yet met by a request (a request takes its fault as it arrives). */
    faultsWaiting: (): number => faults.length,
    onAction(listener: ActionListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actionsFor(callId: string): string[] {
      return requests
        .filter(
          (r) =>
            (r.body as { call_id?: string } | undefined)?.call_id === callId && (r.body as { action?: string }).action,
        )
        .map((r) => `${(r.body as { action: string }).action}:${r.status}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type GraphApiSim = Awaited<ReturnType<typeof startGraphApiSim>>;
