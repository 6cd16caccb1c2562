import { z } from 'zod';

// Meta sends timestamps as decimal strings of seconds; accept numbers too, keep seconds.
export const UnixSeconds = z
  .union([z.string().regex(/^\d+$/, 'expected a decimal unix timestamp'), z.number().int().nonnegative()])
  .transform((v) => Number(v));

export const Metadata = z.object({
  display_phone_number: z.string(),
  phone_number_id: z.string().min(1),
});

/** A business-scoped user ID: country code, a dot, then letters and digits (parents carry ENT). */
export const BusinessScopedUserId = z
  .string()
  .regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/, 'a business-scoped user ID like US.1234');

/** The customer as Meta names them: phone number and/or business-scoped user ID; the profile may hold only a username. */
export const Contact = z.object({
  wa_id: z.string().min(1).optional(),
  user_id: BusinessScopedUserId.optional(),
  parent_user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

/** Meta documents numbers; a numeric string is read as the same number rather than dropping the event. */
const NumberLike = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'expected a number')]).transform(Number);

export const WebhookError = z.object({
  // Meta's samples always carry a code; an error without one must still let its terminate end the call.
  code: NumberLike.pipe(z.number().int()).optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  href: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

export const SdpSession = z.object({
  sdp_type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1, 'SDP is empty'),
});

/** USER_INITIATED or BUSINESS_INITIATED today; a new value must not drop the event. */
export const CallDirection = z.string();

const callCommon = {
  id: z.string().min(1),
  // A customer with a username may be named only by business-scoped user ID (from_user_id / to_user_id).
  from: z.string().min(1).optional(),
  from_user_id: BusinessScopedUserId.optional(),
  from_parent_user_id: z.string().optional(),
  to: z.string().min(1).optional(),
  to_user_id: BusinessScopedUserId.optional(),
  to_parent_user_id: z.string().optional(),
  timestamp: UnixSeconds,
  direction: CallDirection.optional(),
  biz_opaque_callback_data: z.string().optional(),
  deeplink_payload: z.string().optional(),
  cta_payload: z.string().optional(),
};

export const ConnectCall = z.object({
  ...callCommon,
  event: z.literal('connect'),
  session: SdpSession,
});

export const TerminateCall = z.object({
  ...callCommon,
  event: z.literal('terminate'),
  // Live payloads use COMPLETED and FAILED; kept open so a new value never makes Meta retry for days.
  status: z.string().min(1),
  start_time: UnixSeconds.optional(),
  end_time: UnixSeconds.optional(),
  duration: NumberLike.pipe(z.number().nonnegative()).optional(),
  errors: z.array(WebhookError).optional(),
});

export const CallEntry = z.discriminatedUnion('event', [ConnectCall, TerminateCall]);

/** A media file WhatsApp made of a call (Meta's "Call recording" / "Call transcription" pages). */
const CallMediaFile = z.object({
  id: z.string().min(1).max(200),
  sha256: z.string().max(100).optional(),
  mime_type: z.string().max(200).optional(),
  url: z.string().max(4096).optional(),
});

export const RecordingAvailableCall = z.object({
  ...callCommon,
  event: z.literal('call_recording_available'),
  call_recording: z.object({ type: z.string().optional(), audio: CallMediaFile }),
});

export const TranscriptionAvailableCall = z.object({
  ...callCommon,
  event: z.literal('call_transcription_available'),
  call_transcript: z.object({ document: CallMediaFile }),
});

export const CallMediaEntry = z.discriminatedUnion('event', [RecordingAvailableCall, TranscriptionAvailableCall]);

export const CallStatusEntry = z.object({
  id: z.string().min(1),
  timestamp: UnixSeconds,
  type: z.literal('call'),
  /** RINGING, ACCEPTED, REJECTED; others are read and ignored. */
  status: z.string().min(1),
  recipient_id: z.string().min(1).optional(),
  recipient_user_id: BusinessScopedUserId.optional(),
  biz_opaque_callback_data: z.string().optional(),
});

/**
 * A `calls` change, with its lists read item by item: one malformed call or status never hides its neighbours.
 */
export const CallsValue = z
  .object({
    metadata: Metadata,
    contacts: z.array(z.unknown()).optional(),
    calls: z.array(z.unknown()).optional(),
    statuses: z.array(z.unknown()).optional(),
    errors: z.array(z.unknown()).optional(),
  })
  // Some errors come alone (131044 on a user-initiated call: "Troubleshoot WhatsApp Calling Errors").
  .refine((v) => v.calls !== undefined || v.statuses !== undefined || v.errors !== undefined, {
    message: 'a calls change must carry "calls", "statuses" or "errors"',
  });

export const CallPermissionReply = z.object({
  response: z.enum(['accept', 'reject']),
  is_permanent: z.boolean().optional(),
  expiration_timestamp: UnixSeconds.optional(),
  response_source: z.string().optional(),
});

export const PermissionReplyMessage = z.object({
  // Omitted for a customer who uses a username; from_user_id names them then.
  from: z.string().min(1).optional(),
  from_user_id: BusinessScopedUserId.optional(),
  id: z.string().min(1),
  timestamp: UnixSeconds,
  context: z.object({ from: z.string().optional(), id: z.string() }).optional(),
  interactive: z.object({
    type: z.literal('call_permission_reply'),
    call_permission_reply: CallPermissionReply,
  }),
});

/** A customer's choice in a list message (the post-call survey): the chosen row's id and title. */
export const ListReplyMessage = z.object({
  from: z.string().min(1).optional(),
  from_user_id: BusinessScopedUserId.optional(),
  id: z.string().min(1),
  timestamp: UnixSeconds,
  context: z.object({ from: z.string().optional(), id: z.string() }).optional(),
  interactive: z.object({
    type: z.literal('list_reply'),
    list_reply: z.object({
      id: z.string().min(1).max(200),
      title: z.string().max(24),
      description: z.string().max(72).optional(),
    }),
  }),
});

/**
 * A customer's tap on a reply button (the queue's callback offer): the button's id and label, written from Meta's
 * "Interactive reply buttons messages" page, its webhook section (interactive.type button_reply).
 */
export const ButtonReplyMessage = z.object({
  from: z.string().min(1).optional(),
  from_user_id: BusinessScopedUserId.optional(),
  id: z.string().min(1),
  timestamp: UnixSeconds,
  context: z.object({ from: z.string().optional(), id: z.string() }).optional(),
  interactive: z.object({
    type: z.literal('button_reply'),
    button_reply: z.object({ id: z.string().min(1).max(256), title: z.string().max(20) }),
  }),
});

// Only call-permission replies and list replies (the survey) matter here; other messages are someone else's.
export const MessagesValue = z.object({
  metadata: Metadata,
  messages: z.array(z.unknown()).optional(),
});

export const WebhookChange = z.object({
  field: z.string().min(1),
  value: z.unknown(),
});

export const WebhookEnvelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string().min(1),
        changes: z.array(WebhookChange),
      }),
    )
    .min(1, 'entry is empty'),
});

export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
export type CallsValue = z.infer<typeof CallsValue>;
export type ConnectCall = z.infer<typeof ConnectCall>;
export type CallEntry = z.infer<typeof CallEntry>;
export type Contact = z.infer<typeof Contact>;
export type TerminateCall = z.infer<typeof TerminateCall>;
export type CallStatusEntry = z.infer<typeof CallStatusEntry>;
export type PermissionReplyMessage = z.infer<typeof PermissionReplyMessage>;
export type WebhookError = z.infer<typeof WebhookError>;
