import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../shared/errorText';
import { retentionCutoffs, type TeamDataPolicy } from '../shared/retention';
import { customerDigest } from '../whatsapp/customerDigest';
import type { Logger } from '../whatsapp/logger';
import type { CallHistory } from './callHistory';
import { fileStem } from './callMedia';
import type { RemovedMedia } from './historyRetention';

/** What one application of the team's policy removed from this desk. */
export interface PrunedCounts {
  calls: number;
  notes: number;
  metaMedia: number;
  surveyAnswers: number;
  erasedCalls: number;
}

/** WhatsApp's recording and transcript files of these calls leave the media folder; one already gone is fine. */
function removeMediaFiles(folder: string, media: readonly RemovedMedia[], log: Logger): void {
  for (const { callId, recordingFile } of media) {
    const names = [`${fileStem(callId)}-transcript.json`, ...(recordingFile ? [recordingFile] : [])];
    for (const name of names) {
      // Only plain names of our own making: nothing outside the media folder.
      if (!/^[\w.-]+$/.test(name)) continue;
      try {
        unlinkSync(join(folder, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          log.warn('call media file not removed', { error: errorText(error) });
      }
    }
  }
}

/**
 * The team relay's retention policy and erasures, applied to this desk's own history and media folder: calls the
 * team no longer keeps leave this desk too, and an erased customer's calls (up to the erasure) are forgotten.
 */
export function applyTeamDataPolicy(
  deps: { history: Pick<CallHistory, 'retention'>; mediaFolder: string; log: Logger },
  policy: TeamDataPolicy,
  nowMs = Date.now(),
): PrunedCounts {
  const cut = policy.retention ? retentionCutoffs(policy.retention, nowMs) : {};
  const pruned = deps.history.retention.prune(cut);
  const erased = deps.history.retention.forget(policy.erasedCustomers ?? [], customerDigest);
  removeMediaFiles(deps.mediaFolder, [...pruned.media, ...erased.media], deps.log);
  const counts = {
    calls: pruned.calls,
    notes: pruned.notes,
    metaMedia: pruned.metaMedia,
    surveyAnswers: pruned.surveyAnswers,
    erasedCalls: erased.calls,
  };
  if (Object.values(counts).some((n) => n > 0)) deps.log.info('history pruned by the team’s policy', { ...counts });
  return counts;
}
