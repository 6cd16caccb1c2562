import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Agent credentials for the relay: `<agentId>.<expiry>.<signature>`, signed with the relay's secret,
 * so relay instances share nothing but the secret to check them.
 */
export function issueAgentToken(
  agentId: string,
  secret: string,
  validForMs = 30 * 24 * 3600_000,
  now = Date.now(),
): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(agentId)) throw new Error('agent id: 1 to 64 letters, digits, - or _');
  const payload = `${agentId}.${now + validForMs}`;
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

export type TokenCheck = { ok: true; agentId: string } | { ok: false; reason: string };

export function verifyAgentToken(token: string | undefined, secret: string, now = Date.now()): TokenCheck {
  const parts = token?.split('.') ?? [];
  if (parts.length !== 3) return { ok: false, reason: 'malformed agent token' };
  const [agentId, expiry, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${agentId}.${expiry}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'agent token signature is wrong' };
  if (!(Number(expiry) > now)) return { ok: false, reason: 'agent token expired' };
  return { ok: true, agentId };
}
