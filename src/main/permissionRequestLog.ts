/** When call-permission requests went to each customer; the desk keeps it in its history database. */
export interface PermissionRequestLog {
  sentAt(customer: string, sinceMs: number): number[];
  add(customer: string, atMs: number): void;
}

/** A log kept in memory, for a coordinator without a history (tests). */
export function memoryPermissionRequestLog(): PermissionRequestLog {
  const sent = new Map<string, number[]>();
  return {
    sentAt: (customer, sinceMs) => (sent.get(customer) ?? []).filter((at) => at > sinceMs),
    add: (customer, atMs) => void sent.set(customer, [...(sent.get(customer) ?? []), atMs]),
  };
}
