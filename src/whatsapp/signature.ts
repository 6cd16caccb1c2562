import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;

export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Checks X-Hub-Signature-256 over the exact bytes received, in constant time. */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): SignatureVerdict {
  if (!header) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
  const match = HEADER_PATTERN.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed X-Hub-Signature-256 header' };
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match the body' };
  return { ok: true };
}

/**
 * Checks the signature while the body streams in, so no second pass over it is needed; a missing or
 * malformed header is refused before a single body byte is read.
 */
export function startSignatureCheck(header: string | undefined, appSecret: string) {
  if (!header) return { ok: false as const, reason: 'missing X-Hub-Signature-256 header' };
  const match = HEADER_PATTERN.exec(header.trim());
  if (!match?.[1]) return { ok: false as const, reason: 'malformed X-Hub-Signature-256 header' };
  const given = Buffer.from(match[1], 'hex');
  const hmac = createHmac('sha256', appSecret);
  return {
    ok: true as const,
    update: (chunk: Buffer) => void hmac.update(chunk),
    verdict: (): SignatureVerdict =>
      timingSafeEqual(hmac.digest(), given) ? { ok: true } : { ok: false, reason: 'signature does not match the body' },
  };
}
