/**
 * A customer's tap on a reply button, as the `messages` webhook delivers it: written by hand from Meta's page
 * "Interactive reply buttons messages" (developers.facebook.com/documentation/business-messaging/whatsapp/messages/
 * interactive-reply-buttons-messages, its "Webhook" section: a message of type interactive whose interactive.type is
 * button_reply, with the tapped button's id and title, and the context of the message it answers).
 */
export function buttonReplyWebhook(params: {
  customer: string;
  phoneNumberId: string;
  buttonId: string;
  title: string;
  messageId: string;
  /** When the customer tapped (default: now). */
  atMs?: number;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: params.phoneNumberId },
              contacts: [{ profile: { name: 'Pablo Morales' }, wa_id: params.customer }],
              messages: [
                {
                  context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA' },
                  from: params.customer,
                  id: params.messageId,
                  timestamp: String(Math.floor((params.atMs ?? Date.now()) / 1000)),
                  type: 'interactive',
                  interactive: {
                    type: 'button_reply',
                    button_reply: { id: params.buttonId, title: params.title },
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
