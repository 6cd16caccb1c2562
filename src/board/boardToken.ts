/** A board token's claims as a page may read them: the relay checks the signature on every request; a page only
 * words itself (an admin's links, a supervisor's read-only note) and times a renewal by them. */
export interface BoardClaims {
  exp?: number;
  sid?: string;
  role?: string;
}

/** The claims of a JWT's payload (base64url JSON); none when the token is not one. */
export function claimsOf(token: string): BoardClaims {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    return typeof payload === 'object' && payload !== null ? (payload as BoardClaims) : {};
  } catch {
    return {};
  }
}
