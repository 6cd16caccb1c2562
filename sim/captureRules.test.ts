import { describe, expect, it } from 'vitest';
import { announcementOf, readCapture } from './captureRules';

const enabled = { status: 'ENABLED', purpose: 'quality assurance', announcement_language: 'en_US' };

describe('the simulated Meta reading recording and transcription requests', () => {
  it('reads either object, both, or neither; DISABLED is the same as absent', () => {
    expect(readCapture({})).toEqual({ asked: {} });
    expect(readCapture({ recording: { status: 'DISABLED' } })).toEqual({ asked: {} });
    expect(readCapture({ recording: enabled, transcription: enabled })).toEqual({
      asked: {
        recording: { purpose: 'quality assurance', language: 'en_US' },
        transcription: { purpose: 'quality assurance', language: 'en_US' },
      },
    });
  });

  it.each([
    [{ recording: { ...enabled, purpose: '' } }, 'recording.purpose is required'],
    [{ recording: { ...enabled, purpose: 'x'.repeat(251) } }, 'recording.purpose exceeds 250 characters'],
    [{ transcription: { ...enabled, announcement_language: 'klingon' } }, 'transcription.announcement_language'],
    [{ recording: { ...enabled, status: 'ON' } }, 'recording.status must be ENABLED or DISABLED'],
    [{ recording: 'yes' }, 'recording must be an object'],
  ])('refuses %j as Meta does', (body, problem) => {
    const read = readCapture(body);
    expect('problem' in read && read.problem).toContain(problem);
  });

  it('announces once, in the recording words, when both are on', () => {
    expect(
      announcementOf({
        recording: { purpose: 'training', language: 'en' },
        transcription: { purpose: 'ignored', language: 'en' },
      }),
    ).toBe('The audio of this call will be recorded and transcribed for the following purpose: training.');
    expect(announcementOf({})).toBeUndefined();
  });
});
