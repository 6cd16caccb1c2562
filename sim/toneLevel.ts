/**
 * Amplitude (0..1 of full scale) of one frequency in a block of samples (Goertzel): tells which voices are in a mix,
 * where a single pitch estimate cannot (a conference room carries several tones at once).
 */
export function toneLevel(samples: ArrayLike<number>, sampleRate: number, hz: number, fullScale = 1): number {
  const n = samples.length;
  if (n === 0) return 0;
  const k = Math.round((n * hz) / sampleRate);
  const coefficient = 2 * Math.cos((2 * Math.PI * k) / n);
  let s1 = 0;
  let s2 = 0;
  let gain = 0;
  for (let i = 0; i < n; i += 1) {
    // A Hann window: a strong tone nearby (another voice, a tone starting mid-block) does not leak into this one.
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    gain += w;
    const s0 = (samples[i]! / fullScale) * w + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / gain;
}

/**
 * A 16-bit mono WAV as written by Janus's AudioBridge recorder (44-byte header): its length, and how loud one tone is
 * in the 200 ms from a given second.
 */
export function wavTones(wav: Buffer) {
  const rate = wav.readUInt32LE(24);
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length - (wav.length % 2)));
  return {
    seconds: samples.length / rate,
    level: (fromSec: number, hz: number) =>
      toneLevel(samples.subarray(Math.floor(fromSec * rate), Math.floor((fromSec + 0.2) * rate)), rate, hz, 32768),
  };
}
