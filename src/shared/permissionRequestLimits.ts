/** WhatsApp's limits on call-permission requests to one customer (Meta's "User call permissions" page). */
export const PERMISSION_REQUEST_LIMITS = [
  { count: 1, windowMs: 24 * 3600_000 },
  { count: 2, windowMs: 7 * 24 * 3600_000 },
] as const;

/** How long a request counts against any limit: the longest window. */
export const PERMISSION_REQUEST_MEMORY_MS = Math.max(...PERMISSION_REQUEST_LIMITS.map((l) => l.windowMs));

/**
 * When the next request to a customer is allowed, given when earlier ones were sent; undefined if now.
 * Pure, so the desk can say "you can ask again on …" instead of letting WhatsApp refuse.
 */
export function nextPermissionRequestAt(sentAtMs: number[], nowMs: number): number | undefined {
  let next: number | undefined;
  for (const { count, windowMs } of PERMISSION_REQUEST_LIMITS) {
    const recent = sentAtMs.filter((at) => nowMs - at < windowMs).sort((a, b) => a - b);
    if (recent.length < count) continue;
    // Allowed again once the oldest request that fills the window leaves it.
    const freeAt = recent[recent.length - count]! + windowMs;
    next = Math.max(next ?? 0, freeAt);
  }
  return next;
}
