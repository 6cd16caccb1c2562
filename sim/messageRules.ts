/**
 * How the simulated Meta judges a call-permission request sent to POST /{phone-number-id}/messages. Written
 * apart from the app's schemas (src/shared/graphSchemas.ts), from Meta's pages "Business-initiated calls"
 * (interactive call_permission_request, to or recipient) and "Call permission request templates" (type template,
 * template.name, template.language.code), so one mistake cannot pass both.
 */
export type PermissionMessage =
  | { kind: 'interactive'; customer: string }
  | { kind: 'template'; customer: string; name: string; language: string }
  | { kind: 'text'; customer: string; body: string }
  | { kind: 'call_button'; customer: string; body: string; displayText?: string; payload?: string }
  | { kind: 'list'; customer: string; body: string; button: string; rows: Array<{ id: string; title: string }> }
  | { kind: 'buttons'; customer: string; body: string; buttons: Array<{ id: string; title: string }> };

const text = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;

/**
 * An interactive list message, by Meta's page "Interactive list messages"
 * (developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages): a body of
 * 1-4096 characters; one button label of 1-20; an optional text header and footer of up to 60; 1-10 sections and
 * 1-10 rows in all; a section title up to 24, required once there are several sections; each row an id of 1-200
 * characters, unique in the message, a title of 1-24 and an optional description up to 72.
 */
function readList(interactive: Record<string, unknown>, customer: string): PermissionMessage | { problem: string } {
  const body = isObject(interactive.body) ? interactive.body.text : undefined;
  if (!text(body, 1, 4096)) return { problem: 'interactive.body.text: 1 to 4096 characters' };
  for (const part of ['header', 'footer'] as const) {
    const value = interactive[part];
    if (value === undefined) continue;
    if (!isObject(value) || !text(value.text, 1, 60))
      return { problem: `interactive.${part}.text: 1 to 60 characters` };
    if (part === 'header' && value.type !== 'text') return { problem: 'interactive.header.type must be text' };
  }
  const action = interactive.action;
  if (!isObject(action) || !text(action.button, 1, 20))
    return { problem: 'interactive.action.button: 1 to 20 characters' };
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
    return { problem: 'interactive.action.sections: 1 to 10 sections' };
  const rows: Array<{ id: string; title: string }> = [];
  for (const section of sections as unknown[]) {
    if (!isObject(section) || !Array.isArray(section.rows)) return { problem: 'each section needs rows' };
    if (section.title !== undefined ? !text(section.title, 1, 24) : sections.length > 1)
      return { problem: 'section title: 1 to 24 characters, required with several sections' };
    for (const row of section.rows as unknown[]) {
      if (!isObject(row) || !text(row.id, 1, 200)) return { problem: 'row id: 1 to 200 characters' };
      if (!text(row.title, 1, 24)) return { problem: 'row title: 1 to 24 characters' };
      if (row.description !== undefined && !text(row.description, 0, 72))
        return { problem: 'row description: at most 72 characters' };
      if (rows.some((r) => r.id === row.id)) return { problem: 'row ids must be unique' };
      rows.push({ id: row.id, title: row.title });
    }
  }
  if (rows.length < 1 || rows.length > 10) return { problem: 'interactive.action.sections: 1 to 10 rows in all' };
  return { kind: 'list', customer, body, button: action.button, rows };
}

/**
 * An interactive reply buttons message, by Meta's page "Interactive reply buttons messages"
 * (developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages):
 * a body of 1-1024 characters; 1 to 3 buttons, each of type reply with an id of 1-256 characters and a label of 1-20,
 * labels unique in the message; an optional footer up to 60.
 */
function readButtons(interactive: Record<string, unknown>, customer: string): PermissionMessage | { problem: string } {
  const body = isObject(interactive.body) ? interactive.body.text : undefined;
  if (!text(body, 1, 1024)) return { problem: 'interactive.body.text: 1 to 1024 characters' };
  if (interactive.footer !== undefined && (!isObject(interactive.footer) || !text(interactive.footer.text, 1, 60)))
    return { problem: 'interactive.footer.text: 1 to 60 characters' };
  const action = interactive.action;
  const list = isObject(action) ? action.buttons : undefined;
  if (!Array.isArray(list) || list.length < 1 || list.length > 3)
    return { problem: 'interactive.action.buttons: 1 to 3 buttons' };
  const buttons: Array<{ id: string; title: string }> = [];
  for (const button of list as unknown[]) {
    if (!isObject(button) || button.type !== 'reply' || !isObject(button.reply))
      return { problem: 'each button: type reply with a reply object' };
    const { id, title } = button.reply;
    if (!text(id, 1, 256)) return { problem: 'button reply.id: 1 to 256 characters' };
    if (!text(title, 1, 20)) return { problem: 'button reply.title: 1 to 20 characters' };
    if (buttons.some((b) => b.title === title || b.id === id))
      return { problem: 'button ids and titles must be unique' };
    buttons.push({ id, title });
  }
  return { kind: 'buttons', customer, body, buttons };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readPermissionMessage(raw: unknown): PermissionMessage | { problem: string } {
  if (!isObject(raw)) return { problem: 'body must be a JSON object' };
  if (raw.messaging_product !== 'whatsapp') return { problem: 'messaging_product must be whatsapp' };
  const to = raw.to;
  const recipient = raw.recipient;
  if ((to === undefined) === (recipient === undefined)) return { problem: 'give exactly one of to and recipient' };
  if (to !== undefined && (typeof to !== 'string' || !/^\+?\d{6,15}$/.test(to)))
    return { problem: 'to must be a phone number' };
  if (recipient !== undefined && (typeof recipient !== 'string' || !/^[A-Z]{2}\.[A-Za-z0-9]+$/.test(recipient)))
    return { problem: 'recipient must be a business-scoped user ID' };
  const customer = String(to ?? recipient);
  if (raw.type === 'interactive' && isObject(raw.interactive) && raw.interactive.type === 'voice_call') {
    // "Send WhatsApp call button messages and deep links": body text, action voice_call, optional parameters.
    const interactive = raw.interactive;
    const text = isObject(interactive.body) ? interactive.body.text : undefined;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1024)
      return { problem: 'interactive.body.text: 1 to 1024 characters' };
    if (!isObject(interactive.action) || interactive.action.name !== 'voice_call')
      return { problem: 'interactive.action.name must be voice_call' };
    const parameters = interactive.action.parameters ?? {};
    if (!isObject(parameters)) return { problem: 'interactive.action.parameters must be an object' };
    const { display_text: displayText, ttl_minutes: ttl, payload } = parameters;
    if (displayText !== undefined && (typeof displayText !== 'string' || displayText.length > 20))
      return { problem: 'display_text: at most 20 characters' };
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 43_200))
      return { problem: 'ttl_minutes: 1 to 43200' };
    if (payload !== undefined && (typeof payload !== 'string' || payload.length > 512))
      return { problem: 'payload: at most 512 characters' };
    return {
      kind: 'call_button',
      customer,
      body: text,
      displayText: displayText as string | undefined,
      payload: payload as string | undefined,
    };
  }
  if (raw.type === 'interactive' && isObject(raw.interactive) && raw.interactive.type === 'list')
    return readList(raw.interactive, customer);
  if (raw.type === 'interactive' && isObject(raw.interactive) && raw.interactive.type === 'button')
    return readButtons(raw.interactive, customer);
  if (raw.type === 'interactive') {
    const interactive = raw.interactive;
    if (!isObject(interactive) || interactive.type !== 'call_permission_request')
      return { problem: 'interactive.type must be call_permission_request' };
    if (!isObject(interactive.action) || interactive.action.name !== 'call_permission_request')
      return { problem: 'interactive.action.name must be call_permission_request' };
    const text = isObject(interactive.body) ? interactive.body.text : undefined;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1024)
      return { problem: 'interactive.body.text: 1 to 1024 characters' };
    return { kind: 'interactive', customer };
  }
  if (raw.type === 'text') {
    const body = isObject(raw.text) ? raw.text.body : undefined;
    if (typeof body !== 'string' || body.length === 0 || body.length > 4096)
      return { problem: 'text.body: 1 to 4096 characters' };
    return { kind: 'text', customer, body };
  }
  if (raw.type === 'template') {
    const template = raw.template;
    if (!isObject(template) || typeof template.name !== 'string' || template.name === '')
      return { problem: 'template.name is required' };
    const code = isObject(template.language) ? template.language.code : undefined;
    if (typeof code !== 'string' || code === '') return { problem: 'template.language.code is required' };
    return { kind: 'template', customer, name: template.name, language: code };
  }
  return { problem: 'type must be interactive, template or text' };
}
