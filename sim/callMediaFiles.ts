/**
 * The files the simulated WhatsApp makes of a call it was asked to capture: a recording (PCM WAV, which
 * Chromium plays; Meta's own are Ogg Opus, which the app stores by MIME type just the same) and a transcript in
 * the document format of Meta's "Call transcription" page.
 */

/** A mono 16-bit WAV of a tone, `seconds` long: a recording the history's player can really play, or hold music. */
export function toneWav(seconds: number, hz = 440, sampleRate = 8000, amplitude = 8000): Buffer {
  const samples = Math.max(1, Math.round(seconds * sampleRate));
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * amplitude), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A transcript of the call in Meta's format: the business (channel 0) and the customer (channel 1) taking turns. */
export function transcriptDocument(turns: Array<{ speaker: 'Business' | 'Customer'; text: string }>): Buffer {
  let clock = 0.5;
  const segments = turns.map((turn, i) => {
    const start = clock;
    const end = start + 0.4 * turn.text.split(' ').length;
    clock = end + 0.6;
    return {
      id: i + 1,
      speaker: turn.speaker,
      channel: turn.speaker === 'Business' ? 0 : 1,
      start,
      end,
      text: turn.text,
      confidence: 0.9,
      words: [],
    };
  });
  return Buffer.from(
    JSON.stringify({
      metadata: {
        processed_at: new Date().toISOString(),
        audio: { duration: clock, sample_rate: 16000, channels: 2, audio_format: 'stereo' },
      },
      transcript: {
        text: turns.map((t) => `[${t.speaker}] ${t.text}`).join(' '),
        language: 'en',
        duration: clock,
        confidence: 0.9,
        segments,
      },
    }),
  );
}
