/**
 * How the simulated Meta takes `biz_opaque_callback_data`, written apart from the app's schemas. Meta's "API &
 * Webhook Reference" (Calling) and "User-initiated calls" pages: an optional string of at most 512 characters on
 * pre_accept and accept (user-initiated) and on connect (business-initiated); Meta does not read it and returns it
 * in the call's terminate webhook and its status webhooks.
 */
const TAKEN_ON = new Set(['pre_accept', 'accept', 'connect']);
const MAX_CHARACTERS = 512;

export function readCallbackData(raw: unknown): { value?: string } | { problem: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const body = raw as Record<string, unknown>;
  if (!('biz_opaque_callback_data' in body)) return {};
  const value = body.biz_opaque_callback_data;
  if (!TAKEN_ON.has(String(body.action)))
    return { problem: `biz_opaque_callback_data is not a parameter of ${String(body.action)}` };
  if (typeof value !== 'string') return { problem: 'biz_opaque_callback_data must be a string' };
  if ([...value].length > MAX_CHARACTERS)
    return { problem: `biz_opaque_callback_data is ${[...value].length} characters; at most ${MAX_CHARACTERS}` };
  return { value };
}
