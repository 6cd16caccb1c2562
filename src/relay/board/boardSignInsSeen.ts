import { createHash } from 'node:crypto';

/**
 * The board tokens this relay has already audited a sign-in for, until they expire: a page moving between the
 * board's own pages (or reconnecting) with the same token is not a new sign-in; one after a sign-out is.
 */
export function boardSignInsSeen(now = () => Date.now()) {
  const seen = new Map<string, number>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  const dropExpired = () => {
    for (const [key, expiresAtMs] of seen) if (expiresAtMs <= now()) seen.delete(key);
  };
  return {
    /** True the first time this token signs in (it is then remembered until `expiresAtMs`). */
    first(token: string, expiresAtMs: number): boolean {
      dropExpired();
      const key = keyOf(token);
      if (seen.has(key)) return false;
      seen.set(key, expiresAtMs);
      return true;
    },
    /** The page signed out: its token's next sign-in is a new one. */
    forget(token: string): void {
      seen.delete(keyOf(token));
    },
  };
}
