import { describe, expect, it } from 'vitest';
import { toneLevel } from './toneLevel';

const RATE = 48_000;
const tone = (hz: number, amplitude: number, n = 4800) =>
  Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));

describe('toneLevel', () => {
  it('finds each tone of a mix at its own amplitude, and nothing where there is no tone', () => {
    const a = tone(440, 0.3);
    const b = tone(700, 0.1);
    const mix = a.map((v, i) => v + b[i]!);
    expect(toneLevel(mix, RATE, 440)).toBeCloseTo(0.3, 2);
    expect(toneLevel(mix, RATE, 700)).toBeCloseTo(0.1, 2);
    expect(toneLevel(mix, RATE, 1100)).toBeLessThan(0.001);
    // A strong tone 140 Hz away that does not fit the block a whole number of times does not leak into a silent one.
    expect(toneLevel(tone(443.7, 0.4, 4567), RATE, 300)).toBeLessThan(0.001);
  });

  it('reads 16-bit samples against their full scale, and an empty block as silence', () => {
    const int16 = Int16Array.from(tone(300, 0.5), (v) => Math.round(v * 32767));
    expect(toneLevel(int16, RATE, 300, 32768)).toBeCloseTo(0.5, 2);
    expect(toneLevel([], RATE, 300)).toBe(0);
  });
});
