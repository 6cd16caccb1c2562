import { customerNumber, isPhoneNumber } from './format';

/**
 * A phone number, @username or id inside any sentence or card: isolated from the text around it, and a phone
 * number always left to right ("+44 7700 900555" in Arabic too, never "447700900555+").
 */
export function Handle({ value }: { value: string }) {
  return <bdi dir={/^[+\d]/.test(value) ? 'ltr' : undefined}>{value}</bdi>;
}

/**
 * A name (any script), isolated so the sentence around it keeps its own direction. A caller known only by number is
 * named by it: then it reads left to right like any number ("+52 1 555…" in Arabic too, never "…555 1 52+").
 */
export function Name({ value }: { value: string }) {
  return <bdi dir={isPhoneNumber(value) ? 'ltr' : undefined}>{value}</bdi>;
}

/** A history row's customer: their name if known, else their number (or id). */
export function Who({ name, customer }: { name?: string; customer: string }) {
  if (name && name !== customer) return <Name value={name} />;
  return <Handle value={customerNumber(customer) || customer} />;
}
