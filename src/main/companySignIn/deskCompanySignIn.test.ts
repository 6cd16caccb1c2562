import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../whatsapp/logger';
import { companyLoginUrl, createDeskCompanySignIn } from './deskCompanySignIn';

describe('the desk’s company sign-in', () => {
  it('sends the browser to the relay’s desk sign-in with the loopback return, over TLS for wss://', () => {
    const back = 'http://127.0.0.1:5000/signed-in/abc';
    expect(companyLoginUrl('wss://relay.example.com/agents', back)).toBe(
      `https://relay.example.com/auth/login?to=desk&return=${encodeURIComponent(back)}`,
    );
    expect(companyLoginUrl('ws://127.0.0.1:8788', back)).toMatch(/^http:\/\/127\.0\.0\.1:8788\/auth\/login\?/);
  });

  it('says a sign-in not finished in time ran out, and a new sign-in replaces the one under way', async () => {
    const changes: unknown[] = [];
    const signedIn: string[] = [];
    let opened: string | undefined;
    const signIn = createDeskCompanySignIn({
      log: createMemoryLogger(),
      deadlineMs: 300,
      openExternal: async (url) => void (opened = url),
      onSignedIn: async (_urls, token) => void signedIn.push(token),
      onChange: () => changes.push(signIn.state()),
    });
    expect(await signIn.start(['ws://127.0.0.1:8788'])).toEqual({});
    const firstReturn = new URL(opened!).searchParams.get('return')!;
    await signIn.start(['ws://127.0.0.1:8788']);
    const secondReturn = new URL(opened!).searchParams.get('return')!;
    expect(secondReturn).not.toBe(firstReturn);
    // The first listener is gone; the second one runs out.
    await expect(fetch(`${firstReturn}?session=a.b.c`)).rejects.toThrow();
    await expect.poll(() => signIn.state()?.state).toBe('failed');
    expect(signIn.state()).toEqual({
      state: 'failed',
      said: { key: 'companySignInTimedOut', values: { minutes: 5 } },
    });
    expect(signedIn).toEqual([]);
    expect(changes).toEqual([{ state: 'waiting' }, { state: 'waiting' }, signIn.state()]);
  });
});
