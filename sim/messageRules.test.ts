import { describe, expect, it } from 'vitest';
import { readPermissionMessage } from './messageRules';

// Bodies as Meta's pages show them: "Business-initiated calls" and "Call permission request templates".
const interactive = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '14085551234',
  type: 'interactive',
  interactive: {
    type: 'call_permission_request',
    action: { name: 'call_permission_request' },
    body: { text: 'We would like to call you to help support your query on Order No: ON-12853.' },
  },
};
const template = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '14085551234',
  type: 'template',
  template: { name: 'sample_cpr_template', language: { code: 'en' } },
};

describe("the simulator's rules for call-permission messages", () => {
  it("accepts Meta's documented bodies", () => {
    expect(readPermissionMessage(interactive)).toEqual({ kind: 'interactive', customer: '14085551234' });
    expect(readPermissionMessage(template)).toEqual({
      kind: 'template',
      customer: '14085551234',
      name: 'sample_cpr_template',
      language: 'en',
    });
  });

  it.each([
    ['both to and recipient', { ...interactive, recipient: 'US.1234' }],
    ['neither to nor recipient', { ...interactive, to: undefined }],
    ['a wrong interactive type', { ...interactive, interactive: { ...interactive.interactive, type: 'button' } }],
    ['an empty body text', { ...interactive, interactive: { ...interactive.interactive, body: { text: '' } } }],
    ['a template without language', { ...template, template: { name: 'x' } }],
    ['a text message without a body', { ...interactive, type: 'text' }],
    ['not whatsapp', { ...interactive, messaging_product: 'sms' }],
  ])('refuses %s', (_name, body) => {
    expect(readPermissionMessage(body)).toHaveProperty('problem');
  });
});
