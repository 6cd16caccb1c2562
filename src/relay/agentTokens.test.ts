import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { AgentId } from '../shared/agentId';
import {
  DEFAULT_TOKEN_LIFETIME_MS,
  issueAgentToken,
  issueSupervisorToken,
  signingKey,
  verifyAgentToken,
  verifySupervisorToken,
} from './agentTokens';

const keys = (secret: string) => [signingKey(secret)];

describe('agent tokens', () => {
  it('accepts a token it issued and names the agent', async () => {
    expect(await verifyAgentToken(await issueAgentToken('alice', 's3cret'), keys('s3cret'))).toMatchObject({
      ok: true,
      agentId: 'alice',
    });
  });

  it('issues a JWT with a key id, a token id and a shift-long expiry by default', async () => {
    const token = await issueAgentToken('alice', 's3cret', { now: 1_700_000_000_000 });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: signingKey('s3cret').kid });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'alice', jti: expect.any(String) });
    expect((claims.exp! - claims.iat!) * 1000).toBe(DEFAULT_TOKEN_LIFETIME_MS);
    const second = decodeJwt(await issueAgentToken('alice', 's3cret'));
    expect(second.jti).not.toBe(claims.jti);
  });

  it('refuses a forged, altered, expired or malformed token', async () => {
    const token = await issueAgentToken('alice', 's3cret', { lifetimeMs: 1000, now: 0 });
    const forged = await issueAgentToken('alice', 'other');
    expect(await verifyAgentToken(forged, keys('s3cret'))).toMatchObject({
      ok: false,
      reason: 'agent token signature is wrong',
    });
    const [header, , signature] = (await issueAgentToken('alice', 's3cret')).split('.');
    const altered = `${header}.${Buffer.from(JSON.stringify({ sub: 'mallory', iss: 'wa-relay', aud: 'wa-relay-agent', jti: 'x', iat: 1, exp: 9e9 })).toString('base64url')}.${signature}`;
    expect((await verifyAgentToken(altered, keys('s3cret'))).ok).toBe(false);
    expect(await verifyAgentToken(token, keys('s3cret'), 5000)).toEqual({ ok: false, reason: 'agent token expired' });
    expect(await verifyAgentToken(undefined, keys('s3cret'))).toEqual({ ok: false, reason: 'agent token malformed' });
    expect((await verifyAgentToken('a.b', keys('s3cret'))).ok).toBe(false);
    expect((await verifyAgentToken('mallory.9999999999999.forged', keys('s3cret'))).ok).toBe(false);
  });

  it('names the kind of token refused, and one signed by this team for the other use', async () => {
    const supervisor = await issueSupervisorToken('sally', 's3cret');
    const agent = await issueAgentToken('alice', 's3cret');
    expect(await verifyAgentToken(supervisor, keys('s3cret'))).toEqual({
      ok: false,
      reason: 'agent token for another use',
    });
    expect(await verifySupervisorToken(agent, keys('s3cret'))).toEqual({
      ok: false,
      reason: 'supervisor token for another use',
    });
    expect(await verifySupervisorToken('x', keys('s3cret'))).toEqual({
      ok: false,
      reason: 'supervisor token malformed',
    });
  });

  it('accepts tokens signed with a previous secret during a rotation, and only those listed', async () => {
    const old = await issueAgentToken('alice', 'old-secret');
    expect((await verifyAgentToken(old, [signingKey('new-secret'), signingKey('old-secret')])).ok).toBe(true);
    expect((await verifyAgentToken(old, [signingKey('new-secret')])).ok).toBe(false);
  });

  it('refuses agent ids that could break the token format', async () => {
    await expect(issueAgentToken('a.b', 's')).rejects.toThrow('agent id');
  });

  it('issues a token for exactly the ids a queue may name as members (one rule for both)', async () => {
    for (const id of [
      'ben',
      'Ben_Smith-2',
      'x'.repeat(64),
      'Ben Smith',
      'BEN ',
      '<b>x</b>',
      '',
      'x'.repeat(65),
      'zoë',
    ]) {
      const issued = await issueAgentToken(id, 's').then(
        () => true,
        () => false,
      );
      expect([id, issued]).toEqual([id, AgentId.safeParse(id).success]);
    }
    expect(AgentId.safeParse('Ben Smith').success).toBe(false);
  });

  it('a supervisor token carries the queues it may see; without them it sees every queue', async () => {
    const scoped = await issueSupervisorToken('sally', 's3cret', { queues: ['sales', 'support'] });
    expect(await verifySupervisorToken(scoped, keys('s3cret'))).toMatchObject({
      ok: true,
      agentId: 'sally',
      queues: ['sales', 'support'],
    });
    const whole = await verifySupervisorToken(await issueSupervisorToken('sam', 's3cret'), keys('s3cret'));
    expect(whole.ok && whole.queues).toBeUndefined();
    expect((await verifyAgentToken(scoped, keys('s3cret'))).ok).toBe(false);
    await expect(issueSupervisorToken('sally', 's3cret', { queues: [] })).rejects.toThrow('at least one queue');
    await expect(issueSupervisorToken('sally', 's3cret', { queues: ['a', 'a'] })).rejects.toThrow('twice');
  });

  it('refuses a supervisor token whose queues claim is malformed, even when signed with the secret', async () => {
    const key = signingKey('s3cret');
    const now = Math.floor(Date.now() / 1000);
    for (const queues of ['sales', [], ['Sales!'], [1], ['sales', 'sales']]) {
      const token = await new SignJWT({ queues })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .setSubject('mallory')
        .setIssuer('wa-relay')
        .setAudience('wa-relay-supervisor')
        .setJti('t1')
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key.secret);
      expect(await verifySupervisorToken(token, [key]), JSON.stringify(queues)).toEqual({
        ok: false,
        reason: 'supervisor token names its queues wrongly',
      });
    }
  });
});
