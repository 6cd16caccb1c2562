import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebhookFixture } from '../../fixtures/load';
import { parseWebhook } from './parseWebhook';
import {
  captureRequest,
  recordingExtension,
  TranscriptDocument,
  transcriptLines,
  type CapturePreference,
} from './metaCapture';

const prefs: CapturePreference = {
  mode: 'all',
  recording: true,
  transcription: false,
  purpose: 'quality assurance',
  language: 'en_US',
};

describe('WhatsApp recording and transcription', () => {
  it('asks for nothing by default, for the chosen kinds on every call, or only when the agent ticks it', () => {
    expect(captureRequest(undefined)).toEqual({});
    expect(captureRequest({ ...prefs, mode: 'off' })).toEqual({});
    const recording = { status: 'ENABLED', purpose: 'quality assurance', announcement_language: 'en_US' };
    expect(captureRequest(prefs)).toEqual({ recording });
    expect(captureRequest({ ...prefs, transcription: true })).toEqual({ recording, transcription: recording });
    expect(captureRequest({ ...prefs, mode: 'ask' })).toEqual({});
    expect(captureRequest({ ...prefs, mode: 'ask' }, false)).toEqual({});
    expect(captureRequest({ ...prefs, mode: 'ask' }, true)).toEqual({ recording });
  });

  it('reads the recording-available webhook of Meta\'s "Call recording" page', () => {
    const parsed = parseWebhook(loadWebhookFixture('doc-call-recording-available.json'));
    expect(parsed.ok && parsed.events).toEqual([
      {
        type: 'call_media_available',
        callId: 'wacid.HBgLMTQxMjYxMzYyNTMVAgASGCBGODQ1',
        phoneNumberId: '436666719526789',
        kind: 'recording',
        mediaId: '1002764438271669',
        sha256: 'Y9vvGyeo3n76ptkXu3CwDBsnzbRFqpjHskQdMGSVqas=',
        mimeType: 'audio/ogg; codecs=opus',
        url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1337',
        timestampMs: 1728932177000,
      },
    ]);
  });

  it('reads the transcription-available webhook, from a customer known only by user ID', () => {
    const parsed = parseWebhook(loadWebhookFixture('doc-call-transcription-available.json'));
    expect(parsed.ok && parsed.events[0]).toMatchObject({
      type: 'call_media_available',
      kind: 'transcript',
      mediaId: '1002764438271670',
      mimeType: 'application/json',
    });
  });

  it('reports a media notice without its file, and keeps the rest of the body', () => {
    const body = loadWebhookFixture('doc-call-recording-available.json') as any;
    const call = body.entry[0].changes[0].value.calls[0];
    body.entry[0].changes[0].value.calls = [{ ...call, call_recording: { type: 'audio' } }, call];
    const parsed = parseWebhook(body);
    expect(parsed.ok && parsed.events.length).toBe(1);
    expect(parsed.ok && parsed.skipped[0]?.path).toContain('calls[0]');
  });

  it("turns Meta's transcript document into speaker lines, in time order", () => {
    const doc = JSON.parse(readFileSync(join(__dirname, '../../fixtures/media/doc-transcript.json'), 'utf8'));
    expect(transcriptLines(TranscriptDocument.parse(doc))).toBe(
      'Business: Hello, how can I help?\nCustomer: My order has not arrived.',
    );
    expect(transcriptLines(TranscriptDocument.parse({ transcript: { text: ' just text ' } }))).toBe('just text');
  });

  it('keeps a recording under the extension of its type, and never guesses an unknown one', () => {
    expect(recordingExtension('audio/ogg; codecs=opus')).toBe('ogg');
    expect(recordingExtension('audio/wav')).toBe('wav');
    expect(recordingExtension('application/x-msdownload')).toBe('bin');
    expect(recordingExtension(undefined)).toBe('bin');
  });
});
