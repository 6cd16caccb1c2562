import { describe, expect, it } from 'vitest';
import { BoardSnapshot } from '../src/shared/boardSchemas';
import { endLine, mayRingSoon, moveLine, placeOf } from './botDemoStory';

const TONES = { caller: 440, front: 600, survey: 800 };

/** A board with one call waiting in Support, rung at `ringingAt`, and agent demo in `state`. */
function board(ringingAt: string[], state: 'available' | 'after_call_work' | 'not_ready', reason?: string) {
  return BoardSnapshot.parse({
    atMs: 0,
    waiting: [{ callId: 'c1', queue: 'support', customer: '447700900123', sinceMs: 0, ringingAt }],
    inProgress: [],
    agents: [{ id: 'demo', state, ...(reason && { reason }), queues: ['support'] }],
    queueNames: { support: 'Support', front: 'Front desk' },
    today: { ok: false, reason: 'none' },
  });
}

describe('the bot demo tells only what the board shows', () => {
  it('a call handed over while the desk is not ready (break) waits in Support, and says why', () => {
    const snapshot = board([], 'not_ready', 'break');
    const place = placeOf(snapshot, 'c1');
    expect(place).toEqual({ at: 'waiting', queue: 'support', ringingAt: [] });
    expect(moveLine({ at: 'bot', queue: 'front', name: 'Front desk' }, place!, snapshot, 'demo', TONES)).toBe(
      'The bot handed the call to Support: the caller hears the hold music; your desk is not ready (break): it rings once you are ready.',
    );
    expect(placeOf(snapshot, 'another')).toBeUndefined();
  });

  it('the desk rings only when the board has it ringing there, and stops when it stops', () => {
    const quiet = placeOf(board([], 'after_call_work'), 'c1')!;
    const ringing = placeOf(board(['demo'], 'available'), 'c1')!;
    expect(moveLine(quiet, ringing, board(['demo'], 'available'), 'demo', TONES)).toBe(
      'Your desk rings for the call waiting in Support.',
    );
    expect(moveLine(ringing, quiet, board([], 'available'), 'demo', TONES)).toBe(
      'Your desk stopped ringing; the call waits in Support (no desk rings for it now).',
    );
    expect(moveLine(ringing, ringing, board(['demo'], 'available'), 'demo', TONES)).toBeUndefined();
  });

  it('a call just handed to Support at a free desk is given a moment to ring there before "no desk rings" is told', () => {
    const front = { at: 'bot' as const, queue: 'front', name: 'Front desk' };
    const quiet = placeOf(board([], 'available'), 'c1')!;
    expect(mayRingSoon(front, quiet, board([], 'available'), 'demo')).toBe(true);
    expect(mayRingSoon(undefined, quiet, board([], 'available'), 'demo')).toBe(true);
    // Ringing already, or already told as waiting, or a desk that is not free: nothing to wait for.
    expect(mayRingSoon(front, placeOf(board(['demo'], 'available'), 'c1')!, board(['demo'], 'available'), 'demo')).toBe(
      false,
    );
    expect(mayRingSoon(quiet, quiet, board([], 'available'), 'demo')).toBe(false);
    expect(mayRingSoon(front, quiet, board([], 'after_call_work'), 'demo')).toBe(false);
    expect(mayRingSoon(front, quiet, board([], 'not_ready', 'break'), 'demo')).toBe(false);
  });

  it('the survey bot is named as handed to only from the agent, and the end says who ended the call', () => {
    const snapshot = board([], 'available');
    const survey = { at: 'bot' as const, queue: 'support', bot: 'Survey', name: 'Survey' };
    expect(moveLine({ at: 'agent', agent: 'demo' }, survey, snapshot, 'demo', TONES)).toBe(
      'You handed the call to the Survey bot (800 Hz): your call went to the wrap-up.',
    );
    expect(endLine(survey, 'business_terminate')).toBe('The Survey bot ended the call on WhatsApp.');
    expect(endLine(survey, 'caller_hangup')).toBe('The customer hung up.');
    expect(endLine({ at: 'bot', queue: 'front', name: 'Front desk' }, 'business_terminate')).toBe(
      'The Front desk bot ended the call on WhatsApp.',
    );
    expect(endLine({ at: 'waiting', queue: 'support', ringingAt: [] }, 'business_terminate')).toBe(
      'The team ended the call on WhatsApp.',
    );
  });
});
