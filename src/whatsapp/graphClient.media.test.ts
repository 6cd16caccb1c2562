import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { loadSdpFixture } from '../../fixtures/load';
import { createGraphClient, GraphApiError } from './graphClient';

const TOKEN = 'EAAGtestTOKENsecret1234567890';
const PNID = '518638374672395';
const ANSWER = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

let sim: GraphApiSim;
beforeEach(async () => {
  sim = await startGraphApiSim({ accessToken: TOKEN, phoneNumberId: PNID });
});
afterEach(() => sim.close());

const client = () =>
  createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 2000 });

describe('WhatsApp recording and transcription through the graph client', () => {
  it('asks for them on accept, and the simulated Meta announces them', async () => {
    sim.offerCall('wacid.rec');
    await client().preAccept('wacid.rec', ANSWER);
    const enabled = {
      status: 'ENABLED' as const,
      purpose: 'quality assurance',
      announcement_language: 'en_US' as const,
    };
    await client().accept('wacid.rec', ANSWER, { capture: { recording: enabled, transcription: enabled } });
    const accept = sim.requests.at(-1)?.body as Record<string, unknown>;
    expect(accept.recording).toEqual(enabled);
    expect(accept.transcription).toEqual(enabled);
    expect(sim.announcements).toEqual([
      {
        callId: 'wacid.rec',
        text: 'The audio of this call will be recorded and transcribed for the following purpose: quality assurance.',
      },
    ]);
  });

  it('refuses a purpose over 250 characters before sending anything', async () => {
    sim.offerCall('wacid.long');
    await client().preAccept('wacid.long', ANSWER);
    const long = { status: 'ENABLED' as const, purpose: 'x'.repeat(251), announcement_language: 'en' as const };
    const error = await client()
      .accept('wacid.long', ANSWER, { capture: { recording: long } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).kind).toBe('bad_request');
    expect(sim.actionsFor('wacid.long')).toEqual(['pre_accept:200']);
  });

  it('downloads from the webhook address, and from the Media API once that address has expired', async () => {
    const bytes = Buffer.from('OggS-not-really-but-bytes');
    const file = sim.addMedia(bytes, 'audio/ogg; codecs=opus');
    const first = await client().downloadMedia(file.id, file.url, 1024);
    expect(first.bytes.equals(bytes)).toBe(true);
    sim.media.get(file.id)!.webhookUrlExpired = true;
    const second = await client().downloadMedia(file.id, file.url, 1024);
    expect(second.bytes.equals(bytes)).toBe(true);
    expect(second.mimeType).toBe('audio/ogg; codecs=opus');
    expect(sim.requests.map((r) => r.path.split('?')[0])).toEqual([
      `/media-files/${file.id}`,
      `/media-files/${file.id}`,
      `/v23.0/${file.id}`,
      `/media-files/${file.id}`,
    ]);
    expect(sim.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('never sends the token to an address outside Meta: it asks the Media API instead', async () => {
    const seen: Array<string | undefined> = [];
    const stranger = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('x');
    });
    await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
    try {
      const file = sim.addMedia(Buffer.from('transcript'), 'application/json');
      const hint = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}/steal`;
      const got = await client().downloadMedia(file.id, hint, 1024);
      expect(got.bytes.toString()).toBe('transcript');
      expect(seen).toEqual([]);
    } finally {
      stranger.close();
    }
  });

  it('refuses a file larger than the limit', async () => {
    const file = sim.addMedia(Buffer.alloc(5000), 'audio/ogg');
    const error = await client()
      .downloadMedia(file.id, undefined, 1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(String((error as Error).message)).toContain('1000');
  });

  it('says so when WhatsApp no longer has the file (after 7 days)', async () => {
    const error = await client()
      .downloadMedia('9999', undefined, 1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
  });
});
