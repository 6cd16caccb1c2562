import { z } from 'zod';

/**
 * WhatsApp's own call recording and transcription (Meta's "Call recording" and "Call transcription" pages, 2026):
 * opted into per call on `accept` (or `connect`), announced by Meta to both sides, delivered after the call as
 * media IDs in `call_recording_available` / `call_transcription_available` webhooks.
 */

/** The locale codes Meta's pages list for the spoken announcement. */
export const ANNOUNCEMENT_LANGUAGES = [
  'en',
  'en_US',
  'en_AU',
  'en_CA',
  'en_GB',
  'en_IN',
  'en_NZ',
  'nl',
  'fr',
  'de',
  'hi',
  'it',
  'kn',
  'pt',
  'es',
  'es_ES',
  'te',
  'vi',
] as const;

/** Meta refuses a purpose longer than this. */
export const CAPTURE_PURPOSE_MAX = 250;

/** The `recording` or `transcription` object of a call request. */
export const CaptureOption = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ENABLED'),
    purpose: z.string().trim().min(1).max(CAPTURE_PURPOSE_MAX),
    announcement_language: z.enum(ANNOUNCEMENT_LANGUAGES),
  }),
  z.object({ status: z.literal('DISABLED') }),
]);
export type CaptureOption = z.infer<typeof CaptureOption>;

/** What goes with `accept`: either object, both, or neither. */
export interface CaptureRequest {
  recording?: CaptureOption;
  transcription?: CaptureOption;
}

/** The desk's choice, set by the operator: off (the default), every answered call, or the agent asks per call. */
export const CapturePreference = z.object({
  mode: z.enum(['off', 'all', 'ask']),
  recording: z.boolean(),
  transcription: z.boolean(),
  purpose: z
    .string()
    .trim()
    .min(1, 'Say why calls are recorded: WhatsApp reads it to both sides.')
    .max(CAPTURE_PURPOSE_MAX, `The purpose can be ${CAPTURE_PURPOSE_MAX} characters at most.`),
  language: z.enum(ANNOUNCEMENT_LANGUAGES),
});
export type CapturePreference = z.infer<typeof CapturePreference>;

/**
 * The objects to send with `accept`, from the desk's preference and, when it asks per call, the agent's choice.
 * Nothing is sent when capture is off: Meta's default is no recording.
 */
export function captureRequest(preference: CapturePreference | undefined, agentChose?: boolean): CaptureRequest {
  if (!preference || preference.mode === 'off') return {};
  if (preference.mode === 'ask' && agentChose !== true) return {};
  const enabled: CaptureOption = {
    status: 'ENABLED',
    purpose: preference.purpose,
    announcement_language: preference.language,
  };
  return {
    ...(preference.recording ? { recording: enabled } : {}),
    ...(preference.transcription ? { transcription: enabled } : {}),
  };
}

/** What a request asks WhatsApp to make, for the call's record; undefined when nothing. */
export function capturedKinds(request: CaptureRequest): Array<'recording' | 'transcription'> | undefined {
  const kinds = (['recording', 'transcription'] as const).filter((k) => request[k]?.status === 'ENABLED');
  return kinds.length > 0 ? kinds : undefined;
}

/** A recording or transcript WhatsApp made of a call, as its webhook names it. */
export const CallMediaNotice = z.object({
  callId: z.string().min(1).max(512),
  kind: z.enum(['recording', 'transcript']),
  mediaId: z.string().min(1).max(200),
  /** Base64 SHA-256 of the file, to check the download against. */
  sha256: z.string().max(100).optional(),
  mimeType: z.string().max(200).optional(),
  /** Short-lived (5 minutes) download address; the Media API gives a fresh one from the ID. */
  url: z.string().max(4096).optional(),
});
export type CallMediaNotice = z.infer<typeof CallMediaNotice>;

/** The transcript document's parts the desk shows ("Transcript document format"). */
export const TranscriptDocument = z.object({
  metadata: z
    .object({ processed_at: z.string().optional(), audio: z.object({ duration: z.number() }).partial().optional() })
    .partial()
    .optional(),
  transcript: z.object({
    text: z.string(),
    language: z.string().optional(),
    duration: z.number().optional(),
    confidence: z.number().optional(),
    segments: z
      .array(
        z.object({
          speaker: z.string(),
          channel: z.number().int().optional(),
          start: z.number(),
          end: z.number().optional(),
          text: z.string(),
        }),
      )
      .optional(),
  }),
});
export type TranscriptDocument = z.infer<typeof TranscriptDocument>;

/** One line per spoken segment ("Customer: …"); the flat text where Meta gave no segments. */
export function transcriptLines(document: TranscriptDocument): string {
  const segments = document.transcript.segments ?? [];
  if (segments.length === 0) return document.transcript.text.trim();
  return segments
    .slice()
    .sort((a, b) => a.start - b.start)
    .map((s) => `${s.speaker}: ${s.text.trim()}`)
    .join('\n');
}

/** The file extension a recording is kept under; an unknown type is kept as .bin, never guessed. */
export function recordingExtension(mimeType: string | undefined): string {
  const type = (mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  const known: Record<string, string> = {
    'audio/ogg': 'ogg',
    'audio/opus': 'opus',
    'audio/mpeg': 'mp3',
    'audio/mp4': 'm4a',
    'audio/aac': 'aac',
    'audio/wav': 'wav',
    'audio/x-wav': 'wav',
    'audio/webm': 'webm',
    'application/json': 'json',
  };
  return known[type] ?? 'bin';
}
