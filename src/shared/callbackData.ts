/**
 * `biz_opaque_callback_data`: what the business sends with pre_accept/accept (and connect) and WhatsApp echoes in the
 * terminate and status webhooks. Ours ties the call to our records: the team, queue and agent, and a CRM ticket
 * where one is set, as `v=1&team=…&queue=…&agent=…&ticket=…`. Meta takes at most 512 characters ("API & Webhook
 * Reference", Calling); long values are shortened to fit, the longest first.
 */
export const CALLBACK_DATA_MAX = 512;

export interface CallbackFields {
  team?: string;
  queue?: string;
  agent?: string;
  ticket?: string;
}

const FIELDS = ['team', 'queue', 'agent', 'ticket'] as const;

function encode(values: Record<string, string>): string {
  const query = new URLSearchParams({ v: '1' });
  for (const key of FIELDS) if (values[key]) query.set(key, values[key]!);
  return query.toString();
}

/** The value to send, or undefined when there is nothing to tie the call to. */
export function buildCallbackData(fields: CallbackFields): string | undefined {
  const values: Record<string, string> = {};
  for (const key of FIELDS) {
    const value = fields[key]?.trim();
    if (value) values[key] = value;
  }
  if (Object.keys(values).length === 0) return undefined;
  let text = encode(values);
  while (text.length > CALLBACK_DATA_MAX) {
    const longest = FIELDS.filter((k) => values[k]).sort((a, b) => values[b]!.length - values[a]!.length)[0]!;
    values[longest] = [...values[longest]!].slice(0, Math.max(1, [...values[longest]!].length - 8)).join('');
    text = encode(values);
  }
  return text;
}

/** Our fields back from WhatsApp's echo; another app's value (any other shape) gives none. */
export function readCallbackData(text: string | undefined): CallbackFields | undefined {
  if (!text || !text.startsWith('v=1')) return undefined;
  const query = new URLSearchParams(text);
  const fields: CallbackFields = {};
  for (const key of FIELDS) {
    const value = query.get(key);
    if (value) fields[key] = value;
  }
  return fields;
}
