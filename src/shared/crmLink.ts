/**
 * The operator's CRM address for a customer: `{phone}`, `{user_id}` and `{name}` in the template are filled in
 * (URL-encoded). Only https addresses are ever produced, so a template cannot open a file or run a script.
 */
export function crmLink(
  template: string | undefined,
  customer: { phone?: string; userId?: string; name?: string },
): string | undefined {
  if (!template) return undefined;
  const filled = template
    .replaceAll('{phone}', encodeURIComponent(customer.phone ?? ''))
    .replaceAll('{user_id}', encodeURIComponent(customer.userId ?? ''))
    .replaceAll('{name}', encodeURIComponent(customer.name ?? ''));
  try {
    return new URL(filled).protocol === 'https:' ? filled : undefined;
  } catch {
    return undefined;
  }
}
