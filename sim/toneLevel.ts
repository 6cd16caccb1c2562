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
