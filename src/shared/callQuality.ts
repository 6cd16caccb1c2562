import { z } from 'zod';

export const QualitySample = z.object({
  rttMs: z.number().nonnegative().optional(),
  jitterMs: z.number().nonnegative().optional(),
  lossPct: z.number().min(0).max(100).optional(),
  mos: z.number().min(1).max(5).optional(),
});
export type QualitySample = z.infer<typeof QualitySample>;

/** Published limits for a usable voice call. */
export const QUALITY_LIMITS = { rttMs: 400, jitterMs: 30, lossPct: 1, mos: 3.5 } as const;

/**
 * MOS from the ITU-T G.107 E-model, simplified for Opus: delay impairment from one-way delay
 * (half the RTT plus a jitter buffer of twice the jitter), loss impairment with a packet-loss robustness of 20.
 */
export function estimateMos(rttMs: number, jitterMs: number, lossPct: number): number {
  const delay = rttMs / 2 + jitterMs * 2 + 10;
  const id = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const ieEff = 0 + (95 - 0) * (lossPct / (lossPct + 20));
  const r = Math.max(0, Math.min(100, 93.2 - id - ieEff));
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}

export type QualityWarning = 'rtt' | 'jitter' | 'loss' | 'mos';

/** The limit each warning crossed, for the words that name it. */
export const WARNING_LIMITS: Record<QualityWarning, number> = {
  rtt: QUALITY_LIMITS.rttMs,
  jitter: QUALITY_LIMITS.jitterMs,
  loss: QUALITY_LIMITS.lossPct,
  mos: QUALITY_LIMITS.mos,
};

export type MosGrade = 'good' | 'fair' | 'poor';

/** The word for a MOS: good from 4.0 (ITU-T G.107's users satisfied), poor below the usable call's limit. */
export function mosGrade(mos: number): MosGrade {
  if (mos >= 4) return 'good';
  return mos >= QUALITY_LIMITS.mos ? 'fair' : 'poor';
}

export function qualityWarnings(sample: QualitySample): QualityWarning[] {
  const warnings: QualityWarning[] = [];
  if ((sample.rttMs ?? 0) > QUALITY_LIMITS.rttMs) warnings.push('rtt');
  if ((sample.jitterMs ?? 0) > QUALITY_LIMITS.jitterMs) warnings.push('jitter');
  if ((sample.lossPct ?? 0) > QUALITY_LIMITS.lossPct) warnings.push('loss');
  if (sample.mos !== undefined && sample.mos < QUALITY_LIMITS.mos) warnings.push('mos');
  return warnings;
}

/** Keeps the worst figure of each kind seen during a call: what the agent and the history need. */
export function worstOf(a: QualitySample | undefined, b: QualitySample): QualitySample {
  if (!a) return b;
  const max = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.max(x, y));
  const min = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  return {
    rttMs: max(a.rttMs, b.rttMs),
    jitterMs: max(a.jitterMs, b.jitterMs),
    lossPct: max(a.lossPct, b.lossPct),
    mos: min(a.mos, b.mos),
  };
}
