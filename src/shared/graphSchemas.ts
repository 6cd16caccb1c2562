import { z } from 'zod';
import { CaptureOption } from './metaCapture';
import { BusinessScopedUserId } from './webhookSchemas';

const whatsapp = z.literal('whatsapp');
const BizOpaque = z.string().max(512, 'biz_opaque_callback_data is limited to 512 characters');

// pre_accept and accept always carry the business's SDP *answer* (Meta's parameter table says "offer"; it is wrong).
export const AnswerSession = z.object({ sdp_type: z.literal('answer'), sdp: z.string().min(1) });
export const OfferSession = z.object({ sdp_type: z.literal('offer'), sdp: z.string().min(1) });

export const PreAcceptBody = z.object({
  messaging_product: whatsapp,
  call_id: z.string().min(1),
  action: z.literal('pre_accept'),
  session: AnswerSession,
  biz_opaque_callback_data: BizOpaque.optional(),
});

export const AcceptBody = z.object({
  messaging_product: whatsapp,
  call_id: z.string().min(1),
  action: z.literal('accept'),
  session: AnswerSession,
  biz_opaque_callback_data: BizOpaque.optional(),
  /** WhatsApp's own recording and transcript of this call ("Call recording", "Call transcription"). */
  recording: CaptureOption.optional(),
  transcription: CaptureOption.optional(),
});

export const RejectBody = z.object({
  messaging_product: whatsapp,
  call_id: z.string().min(1),
  action: z.literal('reject'),
});

export const TerminateBody = z.object({
  messaging_product: whatsapp,
  call_id: z.string().min(1),
  action: z.literal('terminate'),
});

const PhoneNumber = z.string().regex(/^\d{6,15}$/, 'recipient must be a WhatsApp number in digits, with country code');
export const isPhoneNumber = (customer: string): boolean => PhoneNumber.safeParse(customer).success;
/** Meta's business-scoped user ID: for customers whose number is withheld, sent as `recipient`. */
const UserId = BusinessScopedUserId;
export const isUserId = (customer: string): boolean => UserId.safeParse(customer).success;

const oneAddressee = (b: { to?: string; recipient?: string }) => (b.to === undefined) !== (b.recipient === undefined);
const ONE_ADDRESSEE = { message: 'exactly one of "to" (a number) and "recipient" (a user ID)' };

/** Who a message goes to: a number as `to` or a business-scoped user ID as `recipient` (exactly one, see ONE_ADDRESSEE). */
const messageTo = {
  messaging_product: whatsapp,
  recipient_type: z.literal('individual'),
  to: PhoneNumber.optional(),
  recipient: UserId.optional(),
};

/** How a customer key (number or user ID) is written in a request body. */
export function addressee(customer: string): { to: string } | { recipient: string } {
  return isUserId(customer) ? { recipient: customer } : { to: customer };
}

export const ConnectBody = z
  .object({
    messaging_product: whatsapp,
    to: PhoneNumber.optional(),
    recipient: UserId.optional(),
    action: z.literal('connect'),
    session: OfferSession,
    biz_opaque_callback_data: BizOpaque.optional(),
    recording: CaptureOption.optional(),
    transcription: CaptureOption.optional(),
  })
  // Meta's reference takes both on connect, and then calls `to` (API & Webhook Reference, 2026).
  .refine((b) => b.to !== undefined || b.recipient !== undefined, {
    message: 'one of "to" (a number) and "recipient" (a user ID); with both, "to" is called',
  });

export const CallActionBody = z.discriminatedUnion('action', [
  PreAcceptBody,
  AcceptBody,
  RejectBody,
  TerminateBody,
  ConnectBody,
]);

export const SuccessResponse = z.object({
  messaging_product: whatsapp.optional(),
  success: z.literal(true),
});

export const ConnectResponse = z.object({
  messaging_product: whatsapp.optional(),
  calls: z.array(z.object({ id: z.string().min(1) })).min(1),
});

export const GraphErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ messaging_product: z.string().optional(), details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const PermissionLimit = z.object({
  time_period: z.string(),
  max_allowed: z.number().int(),
  current_usage: z.number().int(),
  limit_expiration_time: z.number().int().optional(),
});

export const CallPermissionResponse = z.object({
  messaging_product: whatsapp.optional(),
  permission: z.object({
    status: z.enum(['no_permission', 'temporary', 'permanent']),
    expiration_time: z.number().int().optional(),
  }),
  actions: z
    .array(
      z.object({
        action_name: z.string(),
        can_perform_action: z.boolean(),
        limits: z.array(PermissionLimit).optional(),
      }),
    )
    .optional(),
});

export const PhoneNumberInfo = z.object({
  id: z.string(),
  display_phone_number: z.string(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
});

/** What the customer reads in a call-permission request, from a desk or from the team relay alike. */
export const PERMISSION_REQUEST_TEXT = 'May we call you on WhatsApp about your request?';

export const PermissionRequestBody = z
  .object({
    ...messageTo,
    type: z.literal('interactive'),
    interactive: z.object({
      type: z.literal('call_permission_request'),
      action: z.object({ name: z.literal('call_permission_request') }),
      body: z.object({ text: z.string().min(1).max(1024) }),
    }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);

/** An approved template's name as WhatsApp Manager shows it, and its language code (en, en_US, pt_BR). */
export const isTemplateName = (v: string): boolean => /^[a-z0-9_]{1,512}$/.test(v);
export const isTemplateLanguage = (v: string): boolean => /^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$/.test(v);

/**
 * An approved template message, the only kind WhatsApp delivers outside the 24-hour customer-service window:
 * call-permission requests and missed-call follow-ups ("Call permission request templates", Meta, 2026).
 */
export const TemplateMessageBody = z
  .object({
    ...messageTo,
    type: z.literal('template'),
    template: z.object({
      name: z.string().refine(isTemplateName),
      language: z.object({ code: z.string().refine(isTemplateLanguage) }),
    }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);

/** A plain text message (Meta's "Text messages" page): 1 to 4096 characters. */
export const TextMessageBody = z
  .object({
    ...messageTo,
    type: z.literal('text'),
    text: z.object({ body: z.string().min(1).max(4096) }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);

/** GET /{media-id}: a fresh download address for a media file (Meta's Media API reference). */
export const MediaUrlResponse = z.object({
  messaging_product: whatsapp.optional(),
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
  id: z.string().optional(),
});

/** A message with WhatsApp's call button (interactive `voice_call`, Meta's "call button messages" page). */
export const CallButtonMessageBody = z
  .object({
    ...messageTo,
    type: z.literal('interactive'),
    interactive: z.object({
      type: z.literal('voice_call'),
      body: z.object({ text: z.string().min(1).max(1024) }),
      action: z.object({
        name: z.literal('voice_call'),
        parameters: z.object({
          display_text: z.string().min(1).max(20).optional(),
          ttl_minutes: z.number().int().min(1).max(43_200).optional(),
          payload: z.string().max(512).optional(),
        }),
      }),
    }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);

/**
 * A list message (interactive type "list"), as Meta's "Interactive list messages" page gives it: body up to 4096
 * characters, one button label up to 20, optional text header and footer up to 60, up to 10 sections with up to 10
 * rows in all; a row's id up to 200 characters (echoed in the reply), its title up to 24, its description up to 72.
 * Reply buttons would allow only 3 choices, too few for a 1-5 rating.
 */
export const ListMessageBody = z
  .object({
    ...messageTo,
    type: z.literal('interactive'),
    interactive: z.object({
      type: z.literal('list'),
      header: z.object({ type: z.literal('text'), text: z.string().min(1).max(60) }).optional(),
      body: z.object({ text: z.string().min(1).max(4096) }),
      footer: z.object({ text: z.string().min(1).max(60) }).optional(),
      action: z.object({
        button: z.string().min(1).max(20),
        sections: z
          .array(
            z.object({
              title: z.string().min(1).max(24),
              rows: z
                .array(
                  z.object({
                    id: z.string().min(1).max(200),
                    title: z.string().min(1).max(24),
                    description: z.string().max(72).optional(),
                  }),
                )
                .min(1),
            }),
          )
          .min(1)
          .max(10)
          .refine((sections) => sections.flatMap((s) => s.rows).length <= 10, { message: 'at most 10 rows in all' }),
      }),
    }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);
export type ListMessageBody = z.infer<typeof ListMessageBody>;

/**
 * A reply buttons message (interactive type "button"), as Meta's "Interactive reply buttons messages" page
 * (developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages)
 * gives it: body up to 1024 characters, 1 to 3 buttons of type reply, each an id up to 256 characters (echoed in the
 * reply webhook) and a label up to 20, labels unique in the message.
 */
export const ButtonMessageBody = z
  .object({
    ...messageTo,
    type: z.literal('interactive'),
    interactive: z.object({
      type: z.literal('button'),
      body: z.object({ text: z.string().min(1).max(1024) }),
      action: z.object({
        buttons: z
          .array(
            z.object({
              type: z.literal('reply'),
              reply: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
            }),
          )
          .min(1)
          .max(3)
          .refine((b) => new Set(b.map((x) => x.reply.title)).size === b.length, { message: 'labels must differ' }),
      }),
    }),
  })
  .refine(oneAddressee, ONE_ADDRESSEE);
export type ButtonMessageBody = z.infer<typeof ButtonMessageBody>;

export const MessageSentResponse = z.object({
  messaging_product: whatsapp.optional(),
  messages: z.array(z.object({ id: z.string() })).min(1),
});

export type CallActionBody = z.infer<typeof CallActionBody>;
export type GraphErrorBody = z.infer<typeof GraphErrorBody>;
export type CallPermissionResponse = z.infer<typeof CallPermissionResponse>;
