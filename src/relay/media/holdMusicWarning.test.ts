import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../whatsapp/logger';
import { holdMusicFile } from './testJanus';
import { startAnchoredRelay } from './testAnchoredRelay';

const QUEUES = {
  defaultQueue: 'support',
  queues: [{ id: 'support', name: 'Support', media: 'anchored' as const, agents: '*' as const }],
};
const silenceWarning = (log: { records: LogRecord[] }) =>
  log.records.filter((r) => r.msg.includes('RELAY_JANUS_HOLD_MUSIC is not set'));

describe('an anchored queue without hold music', () => {
  it('is named at start: its customers on hold or handed over by a bot would hear silence', async () => {
    const without = await startAnchoredRelay('nomusic', QUEUES);
    try {
      expect(silenceWarning(without.log).map((r) => r.msg)).toEqual([
        'Queue support anchors its media but RELAY_JANUS_HOLD_MUSIC is not set: customers on hold, in a consult or handed over by a bot will hear silence.',
      ]);
    } finally {
      await without.stop();
    }
    const withMusic = await startAnchoredRelay('music', QUEUES, { holdMusic: holdMusicFile(700) });
    try {
      expect(silenceWarning(withMusic.log)).toEqual([]);
    } finally {
      await withMusic.stop();
    }
  }, 60_000);
});
