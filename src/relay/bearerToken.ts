/**
 * The token of an `Authorization: Bearer <token>` header, or undefined. The scheme is matched in any case, as HTTP
 * has it (RFC 9110, section 11.1): `bearer` from a client library is the same sign-in as `Bearer`.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return /^bearer +(\S+)$/i.exec(header ?? '')?.[1];
}
