import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingExtension, TranscriptDocument, transcriptLines, type CallMediaNotice } from '../shared/metaCapture';
import { errorText } from '../shared/errorText';
import type { Logger } from '../whatsapp/logger';
import type { CallHistory } from './callHistory';
import { sentence, type Sentence } from '../shared/sentence';

/** An hour of Opus voice is a few megabytes; anything near this is not a call recording. */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;
export const MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024;

export interface CallMediaOptions {
  /** Where recordings and transcripts are kept (inside the app's data folder). */
  folder: string;
  history: Pick<CallHistory, 'media'>;
  download(notice: CallMediaNotice, maxBytes: number): Promise<{ bytes: Buffer; mimeType?: string }>;
  logger: Logger;
  /** A row changed: the history view should reload. */
  onChange(callId: string): void;
}

/** What went wrong with a download, for the agent; the technical account goes to the log. */
class MediaProblem extends Error {
  constructor(
    message: string,
    /** The same, as the page's message. */
    readonly said: Sentence,
  ) {
    super(message);
  }
}

const what = (kind: CallMediaNotice['kind']) => (kind === 'recording' ? 'call recording' : 'transcript');

/** A call ID as a file name: Meta's IDs carry dots and base64 characters, nothing else survives. */
export const fileStem = (callId: string) => createHash('sha256').update(callId).digest('hex').slice(0, 32);

/**
 * Takes WhatsApp's recordings and transcripts as their webhooks announce them: downloads each, checks it against
 * Meta's SHA-256, keeps it in the data folder and links it to the call's history row. A failure leaves the row
 * as it was, says what failed, and the notice is kept so the agent can try again (Meta keeps files 7 days).
 */
export function createCallMedia(options: CallMediaOptions) {
  const { history, logger: log } = options;
  const running = new Map<string, Promise<void>>();

  async function fetchAndKeep(notice: CallMediaNotice): Promise<void> {
    const limit = notice.kind === 'recording' ? MAX_RECORDING_BYTES : MAX_TRANSCRIPT_BYTES;
    let file: { bytes: Buffer; mimeType?: string };
    try {
      file = await options.download(notice, limit);
    } catch (error) {
      log.warn('call media download failed', { callId: notice.callId, kind: notice.kind, error: errorText(error) });
      throw new MediaProblem(
        `WhatsApp's ${what(notice.kind)} could not be downloaded.`,
        sentence(notice.kind === 'recording' ? 'recordingNotDownloaded' : 'transcriptNotDownloaded'),
      );
    }
    if (notice.sha256) {
      const digest = createHash('sha256').update(file.bytes).digest('base64');
      if (digest !== notice.sha256) {
        log.warn('call media checksum mismatch', { callId: notice.callId, kind: notice.kind, digest });
        throw new MediaProblem(
          `The ${what(notice.kind)} that arrived does not match WhatsApp's checksum.`,
          sentence(notice.kind === 'recording' ? 'recordingChecksum' : 'transcriptChecksum'),
        );
      }
    }
    const mimeType = notice.mimeType ?? file.mimeType ?? 'application/octet-stream';
    mkdirSync(options.folder, { recursive: true, mode: 0o700 });
    if (notice.kind === 'transcript') {
      let text: string;
      try {
        text = transcriptLines(TranscriptDocument.parse(JSON.parse(file.bytes.toString('utf8'))));
      } catch (error) {
        log.warn('transcript unreadable', { callId: notice.callId, error: errorText(error) });
        throw new MediaProblem('The transcript WhatsApp sent could not be read.', sentence('transcriptUnreadable'));
      }
      writeFileSync(join(options.folder, `${fileStem(notice.callId)}-transcript.json`), file.bytes, { mode: 0o600 });
      history.media.setTranscript(
        notice.callId,
        text === '' ? '(WhatsApp heard no speech it could transcribe.)' : text,
      );
      return;
    }
    const name = `${fileStem(notice.callId)}-recording.${recordingExtension(mimeType)}`;
    try {
      writeFileSync(join(options.folder, name), file.bytes, { mode: 0o600 });
    } catch (error) {
      log.error('recording not written', { callId: notice.callId, error: errorText(error) });
      throw new MediaProblem(
        'The call recording could not be written to this computer (the disk may be full).',
        sentence('recordingNotWritten'),
      );
    }
    history.media.setRecording(notice.callId, name, mimeType);
  }

  /** Fetches every outstanding notice of a call, one after another, and sets or clears the row's sentence. */
  async function settle(callId: string): Promise<void> {
    const problems: string[] = [];
    const said: Sentence[] = [];
    for (const notice of history.media.notices(callId)) {
      const done = notice.kind === 'recording' ? history.media.recording(callId) : history.media.hasTranscript(callId);
      if (done) continue;
      try {
        await fetchAndKeep(notice);
      } catch (error) {
        problems.push(error instanceof MediaProblem ? error.message : `Saving WhatsApp's ${what(notice.kind)} failed.`);
        said.push(
          error instanceof MediaProblem
            ? error.said
            : sentence(notice.kind === 'recording' ? 'recordingNotSaved' : 'transcriptNotSaved'),
        );
        if (!(error instanceof MediaProblem))
          log.error('call media not kept', { callId, kind: notice.kind, error: errorText(error) });
      }
    }
    history.media.setProblem(
      callId,
      problems.length ? `${problems.join(' ')} Try again from History; WhatsApp keeps it for 7 days.` : undefined,
      problems.length ? [...said.slice(0, 3), sentence('mediaTryAgain')] : undefined,
    );
    options.onChange(callId);
  }

  function run(callId: string): Promise<void> {
    const previous = running.get(callId) ?? Promise.resolve();
    const next = previous.then(() => settle(callId));
    running.set(callId, next);
    void next.finally(() => {
      if (running.get(callId) === next) running.delete(callId);
    });
    return next;
  }

  return {
    /** A webhook announced a recording or transcript. Unknown calls (another desk's) are left alone. */
    take(notice: CallMediaNotice): Promise<void> {
      if (!history.media.note(notice)) {
        log.warn('recording for a call not in this history', { callId: notice.callId, kind: notice.kind });
        return Promise.resolve();
      }
      return run(notice.callId);
    },
    /** The agent's "Try again". */
    async retry(callId: string): Promise<{ ok: true } | { ok: false; error: string }> {
      if (history.media.notices(callId).length === 0)
        return { ok: false, error: 'WhatsApp has sent no recording or transcript for this call.' };
      await run(callId);
      return { ok: true };
    },
    /** The recording's bytes for the history's player. */
    read(callId: string): { mimeType: string; bytes: Buffer } | undefined {
      const recording = history.media.recording(callId);
      if (!recording) return undefined;
      return { mimeType: recording.mimeType, bytes: readFileSync(join(options.folder, recording.file)) };
    },
    /** Resolves when every download under way has ended (for tests and shutdown). */
    async idle(): Promise<void> {
      await Promise.all([...running.values()]);
    },
  };
}

export type CallMedia = ReturnType<typeof createCallMedia>;
