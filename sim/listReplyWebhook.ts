/**
 * A customer's choice in a list message, as the `messages` webhook delivers it: written by hand from Meta's page
 * "Interactive list messages" (developers.facebook.com/documentation/business-messaging/whatsapp/messages/
 * interactive-list-messages, its "Webhook" section: a message of type interactive whose interactive.type is
 * list_reply, with the chosen row's id, title and description, and the context of the list it answers).
 */
export function listReplyWebhook(params: {
  customer: string;
  phoneNumberId: string;
  rowId: string;
  title: string;
  messageId: string;
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
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: params.customer }],
              messages: [
                {
                  context: { from: '15550783881', id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA' },
                  from: params.customer,
                  id: params.messageId,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'interactive',
                  interactive: {
                    type: 'list_reply',
                    list_reply: { id: params.rowId, title: params.title, description: '' },
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
