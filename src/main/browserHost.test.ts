import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHost } from './browserHost';
import { startTestBrowserHost } from './testDesk';
import { createMemoryLogger } from '../whatsapp/logger';

let host: BrowserHost;
const logger = createMemoryLogger();

beforeAll(async () => {
  host = await startTestBrowserHost(logger);
});
afterAll(() => host.close());

const invoke = (channel: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${host.baseUrl}api/invoke/${channel}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', Cookie: host.sessionCookie, ...headers },
  });

describe('browser host', () => {
  it('serves the page with the content security policy', async () => {
    const page = await fetch(host.baseUrl, { headers: { Cookie: host.sessionCookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers a valid request through the contract', async () => {
    const reply = await invoke('settings:get', '{}');
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ result: { configured: false, accessTokenSet: false } });
  });

  it('refuses junk, unknown channels and invalid payloads with 400, never 500', async () => {
    for (const [channel, body] of [
      ['call:answer', 'not json'],
      ['shell:exec', '{}'],
      ['call:answer', '{"callId":7}'],
      ['history:list', '{"limit":-1}'],
    ]) {
      const reply = await invoke(channel!, body!);
      expect(reply.status).toBe(400);
      expect(((await reply.json()) as { error?: string }).error).toBeTruthy();
    }
  });

  it('refuses requests from another origin', async () => {
    const reply = await invoke('settings:get', '{}', { Origin: 'https://evil.example' });
    expect(reply.status).toBe(403);
  });

  it('serves nothing outside the renderer folder', async () => {
    const reply = await fetch(`${host.baseUrl}..%2f..%2fetc%2fpasswd`, { headers: { Cookie: host.sessionCookie } });
    expect([403, 404]).toContain(reply.status);
  });

  it('never hands a secret to the window', async () => {
    const save = await invoke(
      'settings:save',
      JSON.stringify({
        accessToken: 'EAAGsecretTokenValue1234567890',
        phoneNumberId: '123456',
        appSecret: '0123456789abcdef0123456789abcdef',
        verifyToken: 'verify-token',
        webhookPort: 8787,
        tunnel: 'none',
        publicUrl: '',
        ngrokAuthtoken: '',
      }),
    );
    const text = await save.text();
    expect(text).not.toContain('EAAGsecretTokenValue1234567890');
    expect(text).not.toContain('0123456789abcdef0123456789abcdef');
    const status = await (await invoke('app:status', '{}')).text();
    expect(status).not.toContain('EAAGsecretTokenValue1234567890');
  });
});

describe('links and uploads from the page', () => {
  it('opens only https addresses, and takes a large body only for the hold-music upload', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'http://crm.example.com/']) {
      const reply = await invoke('app:openExternal', JSON.stringify({ url }));
      expect(reply.status).toBe(200);
      expect(await reply.json()).toEqual({ result: { ok: false, error: 'Only https addresses are opened.' } });
    }
    const big = 'x'.repeat(300 * 1024);
    expect((await invoke('history:customer', JSON.stringify({ customer: big, callId: 'c' }))).status).toBe(400);
    const music = await invoke('settings:holdMusicSave', JSON.stringify({ name: 'a.mp3', dataBase64: big }));
    expect(music.status).toBe(200);
    const tooBig = await invoke(
      'settings:holdMusicSave',
      JSON.stringify({ name: 'a.mp3', dataBase64: 'x'.repeat(13 * 1024 * 1024) }),
    );
    expect(tooBig.status).toBe(400);
  });
});

describe('one window', () => {
  /** Opens the event stream as a page would and returns the first event's name and data. */
  async function openWindow(): Promise<{ event: string; data: string; abort: () => void }> {
    const controller = new AbortController();
    const reply = await fetch(`${host.baseUrl}api/events`, {
      headers: { Cookie: host.sessionCookie },
      signal: controller.signal,
    });
    const reader = reply.body!.getReader();
    let text = '';
    while (!/\nevent: (hello|refused)\ndata: [^\n]*\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const match = /\nevent: (hello|refused)\ndata: ([^\n]*)\n/.exec(text)!;
    return { event: match[1]!, data: match[2]!, abort: () => controller.abort() };
  }

  it('a second window is refused and cannot act; it takes over once the first is gone', async () => {
    const first = await openWindow();
    expect(first.event).toBe('hello');
    const { windowId } = JSON.parse(first.data) as { windowId: string };
    const second = await openWindow();
    expect(second.event).toBe('refused');

    const stranger = await invoke('settings:get', '{}');
    expect(stranger.status).toBe(409);
    expect(((await stranger.json()) as { error: string }).error).toContain('open in another window');
    expect((await invoke('settings:get', '{}', { 'x-window-id': 'guess' })).status).toBe(409);
    expect((await invoke('settings:get', '{}', { 'x-window-id': windowId })).status).toBe(200);

    first.abort();
    await new Promise((r) => setTimeout(r, 100));
    const third = await openWindow();
    expect(third.event).toBe('hello');
    third.abort();
  });
});

describe('a desk whose last window closed', () => {
  it('sets the agent Away once no window came back within the grace, and not while a window is open', async () => {
    const quick = await startTestBrowserHost(createMemoryLogger(), { windowAwayGraceMs: 300 });
    const open = async () => {
      const controller = new AbortController();
      const reply = await fetch(`${quick.baseUrl}api/events`, {
        headers: { Cookie: quick.sessionCookie },
        signal: controller.signal,
      });
      await reply.body!.getReader().read();
      return () => controller.abort();
    };
    const status = () => quick.services.status().preferences.status;
    try {
      await quick.services.handlers['preferences:save']({ status: 'available' });
      // A reload: the window goes and a new one opens within the grace; the agent stays Available.
      (await open())();
      const reopened = await open();
      await new Promise((r) => setTimeout(r, 600));
      expect(status()).toBe('available');
      // The tab is closed for good: Away, so nothing rings a desk nobody sees.
      reopened();
      await expect.poll(status, { timeout: 3000 }).toBe('away');
    } finally {
      await quick.close();
    }
  });
});
