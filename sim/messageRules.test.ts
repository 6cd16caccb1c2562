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

  it('reads a call button message as Meta\'s "call button messages" page shows it, and refuses one over its limits', () => {
    // The request body of "Send interactive message with a WhatsApp call button".
    const callButton = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '14085551234',
      type: 'interactive',
      interactive: {
        type: 'voice_call',
        body: { text: 'You can call us on WhatsApp now for faster service!' },
        action: {
          name: 'voice_call',
          parameters: { display_text: 'Call on WhatsApp', ttl_minutes: 100, payload: 'payload data' },
        },
      },
    };
    expect(readPermissionMessage(callButton)).toEqual({
      kind: 'call_button',
      customer: '14085551234',
      body: 'You can call us on WhatsApp now for faster service!',
      displayText: 'Call on WhatsApp',
      payload: 'payload data',
    });
    const withParameters = (parameters: Record<string, unknown>) => ({
      ...callButton,
      interactive: { ...callButton.interactive, action: { name: 'voice_call', parameters } },
    });
    expect(readPermissionMessage(withParameters({ display_text: 'x'.repeat(21) }))).toEqual({
      problem: 'display_text: at most 20 characters',
    });
    expect(readPermissionMessage(withParameters({ ttl_minutes: 43_201 }))).toEqual({
      problem: 'ttl_minutes: 1 to 43200',
    });
    expect(readPermissionMessage(withParameters({ payload: 'p'.repeat(513) }))).toEqual({
      problem: 'payload: at most 512 characters',
    });
  });
});
