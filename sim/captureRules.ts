/**
 * How the simulated Meta judges the `recording` and `transcription` objects of a call request. Written apart from
 * the app's schema (src/shared/metaCapture.ts), from Meta's pages "Call recording" (May 2026) and "Call
 * transcription" (June 2026): status ENABLED or DISABLED; when ENABLED a purpose of 1 to 250 characters and a
 * supported announcement_language; both enabled give one combined announcement in the recording's words.
 */
export interface CaptureAsked {
  recording?: { purpose: string; language: string };
  transcription?: { purpose: string; language: string };
}

// The "Supported announcement languages" tables of both pages.
const RECORDING_LANGUAGES = new Set(
  'en en_US en_AU en_CA en_GB en_IN en_NZ nl fr de hi it kn pt es es_ES te vi'.split(' '),
);
const TRANSCRIPTION_LANGUAGES = RECORDING_LANGUAGES;

const ANNOUNCEMENT_EN = {
  recording: 'The audio of this call will be recorded for the following purpose:',
  transcription: 'The audio of this call will be transcribed for the following purpose:',
  both: 'The audio of this call will be recorded and transcribed for the following purpose:',
};

function readOne(
  name: 'recording' | 'transcription',
  raw: unknown,
): { purpose: string; language: string } | string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${name} must be an object`;
  const option = raw as Record<string, unknown>;
  if (option.status === 'DISABLED') return undefined;
  if (option.status !== 'ENABLED') return `${name}.status must be ENABLED or DISABLED`;
  if (typeof option.purpose !== 'string' || option.purpose.trim() === '') return `${name}.purpose is required`;
  if (option.purpose.length > 250) return `${name}.purpose exceeds 250 characters`;
  const languages = name === 'recording' ? RECORDING_LANGUAGES : TRANSCRIPTION_LANGUAGES;
  if (typeof option.announcement_language !== 'string' || !languages.has(option.announcement_language))
    return `${name}.announcement_language is not a supported locale code`;
  return { purpose: option.purpose, language: option.announcement_language };
}

/** What the request asks for, or the request error Meta gives. */
export function readCapture(body: unknown): { asked: CaptureAsked } | { problem: string } {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const asked: CaptureAsked = {};
  for (const name of ['recording', 'transcription'] as const) {
    const read = readOne(name, raw[name]);
    if (typeof read === 'string') return { problem: read };
    if (read) asked[name] = read;
  }
  return { asked };
}

/** What both participants hear before capture starts (the English wording; other languages are not voiced here). */
export function announcementOf(asked: CaptureAsked): string | undefined {
  const words = asked.recording ?? asked.transcription;
  if (!words) return undefined;
  const phrase = asked.recording && asked.transcription ? 'both' : asked.recording ? 'recording' : 'transcription';
  return `${ANNOUNCEMENT_EN[phrase]} ${words.purpose}.`;
}
