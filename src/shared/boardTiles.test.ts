import { describe, expect, it } from 'vitest';
import { BoardSnapshot } from './boardSchemas';
import { alertKey, alertStatement, floorTiles, type BoardThresholds } from './boardTiles';

const NOW = 1_000_000;
const LIMITS: BoardThresholds = { serviceLevelTargetPct: 80, maxWaitSec: 60 };
const figures = { offered: 4, answered: 3, missed: 1, abandoned: 0 };

function snapshot(overrides: Partial<BoardSnapshot> = {}): BoardSnapshot {
  return BoardSnapshot.parse({
    atMs: NOW,
    waiting: [],
    inProgress: [],
    agents: [
      { id: 'asha', state: 'available', queues: ['support'] },
      { id: 'ben', state: 'on_call', queues: ['sales'] },
      { id: 'chen', state: 'reserved', queues: ['sales'] },
      { id: 'dev', state: 'after_call_work', queues: ['sales'] },
      { id: 'eve', state: 'not_ready', reason: 'lunch', queues: ['sales'] },
      { id: 'fay', state: 'offline', queues: ['sales'] },
    ],
    today: { ok: true, serviceLevelSec: 20, team: { ...figures, serviceLevelPct: 85 }, byQueue: [], byAgent: [] },
    ...overrides,
  });
}
const waitingCall = (callId: string, queue: string, waitedSec: number) => ({
  callId,
  queue,
  customer: '447700900001',
  sinceMs: NOW - waitedSec * 1000,
  ringingAt: [],
});

describe('the floor’s tiles', () => {
  it('counts agents by state (ringing counts as on call, offline not at all) and is calm with nobody waiting', () => {
    const tiles = floorTiles(snapshot(), LIMITS, NOW);
    expect(tiles.agents).toEqual({ available: 1, onCall: 2, afterCallWork: 1, notReady: 1, availableLevel: 'ok' });
    expect(tiles.waiting).toEqual({ count: 0, level: 'ok' });
    expect(tiles.longestWait).toEqual({ sec: undefined, level: 'ok' });
    expect(tiles.serviceLevel).toEqual({ pct: 85, level: 'warn' });
    expect(tiles.alerts).toEqual([]);
  });

  it('shows the calls a bot holds only for a team whose bots took calls today', () => {
    expect(floorTiles(snapshot(), LIMITS, NOW).withAssistant).toBeUndefined();
    const held = { callId: 'c1', queue: 'support', customer: '447700900002', sinceMs: NOW - 5000 };
    expect(floorTiles(snapshot({ withAssistant: [held] }), LIMITS, NOW).withAssistant).toBe(1);
    const botsToday = { ...figures, serviceLevelPct: 85, bot: { alone: 2, escalated: 1, handedBack: 0 } };
    const quietNow = snapshot({
      today: { ok: true, serviceLevelSec: 20, team: botsToday, byQueue: [], byAgent: [] },
    });
    expect(floorTiles(quietNow, LIMITS, NOW).withAssistant).toBe(0);
  });

  it('warns past three quarters of the longest wait and alerts past it, per queue, the longest first', () => {
    const near = floorTiles(snapshot({ waiting: [waitingCall('a', 'support', 46)] }), LIMITS, NOW);
    expect(near.longestWait).toEqual({ sec: 46, level: 'warn' });
    expect(near.alerts).toEqual([]);
    const over = floorTiles(
      snapshot({
        waiting: [waitingCall('a', 'support', 61), waitingCall('b', 'sales', 90), waitingCall('c', 'sales', 10)],
      }),
      LIMITS,
      NOW,
    );
    expect(over.waiting).toEqual({ count: 3, level: 'alert' });
    expect(over.longestWait).toEqual({ sec: 90, level: 'alert' });
    expect(over.alerts).toEqual([
      { kind: 'max_wait', queue: 'sales', waitedSec: 90, maxWaitSec: 60 },
      { kind: 'max_wait', queue: 'support', waitedSec: 61, maxWaitSec: 60 },
    ]);
    expect(over.byQueue.map((q) => [q.queue, q.waiting, q.longestWait])).toEqual([
      ['support', 1, { sec: 61, level: 'alert' }],
      ['sales', 2, { sec: 90, level: 'alert' }],
    ]);
  });

  it('alerts on a queue whose calls wait with none of its agents free, not on free agents of another queue', () => {
    const inSales = floorTiles(snapshot({ waiting: [waitingCall('a', 'sales', 1)] }), LIMITS, NOW);
    expect(inSales.agents.availableLevel).toBe('alert');
    const inSupport = floorTiles(snapshot({ waiting: [waitingCall('a', 'support', 1)] }), LIMITS, NOW);
    expect(inSupport.agents.availableLevel).toBe('ok');
  });

  it('does not say nobody is free while the waiting call rings at agents (they are reserved for it)', () => {
    const ringing = { ...waitingCall('a', 'sales', 1), ringingAt: ['chen'] };
    expect(floorTiles(snapshot({ waiting: [ringing] }), LIMITS, NOW).agents.availableLevel).toBe('ok');
  });

  it('alerts on a queue below the service-level target, and the team tile turns red below it', () => {
    const today = {
      ok: true as const,
      serviceLevelSec: 20,
      team: { ...figures, serviceLevelPct: 70 },
      byQueue: [
        { ...figures, queue: 'support', serviceLevelPct: 95 },
        { ...figures, queue: 'sales', serviceLevelPct: 50 },
        { ...figures, queue: 'quiet' },
      ],
      byAgent: [],
    };
    const tiles = floorTiles(snapshot({ today }), { serviceLevelTargetPct: 80, maxWaitSec: 60 }, NOW);
    expect(tiles.serviceLevel).toEqual({ pct: 70, level: 'alert' });
    expect(tiles.alerts).toEqual([{ kind: 'service_level', queue: 'sales', pct: 50, targetPct: 80 }]);
    expect(tiles.byQueue.map((q) => [q.queue, q.serviceLevel.level, q.answered])).toEqual([
      ['support', 'ok', 3],
      ['sales', 'alert', 3],
      ['quiet', 'ok', 3],
    ]);
  });

  it('words an alert anew when a figure it states changes (the target, the level, the limit), not as the wait grows', () => {
    const today = {
      ok: true as const,
      serviceLevelSec: 20,
      team: figures,
      byQueue: [{ ...figures, queue: 'sales', serviceLevelPct: 50 }],
      byAgent: [],
    };
    const waiting = [{ callId: 'c1', queue: 'sales', customer: '447700900001', sinceMs: NOW - 90_000, ringingAt: [] }];
    const stated = (target: number, maxWaitSec: number, now = NOW) =>
      floorTiles(snapshot({ today, waiting }), { serviceLevelTargetPct: target, maxWaitSec }, now).alerts.map(
        alertStatement,
      );
    const before = stated(90, 60);
    expect(stated(90, 60, NOW + 5000)).toEqual(before);
    expect(stated(85, 60)).not.toEqual(before);
    expect(stated(85, 60)).toContain('service_level:sales:50:85');
    expect(stated(90, 45)).not.toEqual(before);
    // The alert itself (which sounds once) is the same throughout.
    const keys = (target: number) =>
      floorTiles(snapshot({ today, waiting }), { serviceLevelTargetPct: target, maxWaitSec: 60 }, NOW).alerts.map(
        alertKey,
      );
    expect(keys(85)).toEqual(keys(90));
  });

  it('rotates through every queue the board covers, quiet ones too, in the layout’s order, then others with calls', () => {
    const tiles = floorTiles(
      snapshot({ queues: ['sales', 'support', 'billing'], waiting: [waitingCall('a', 'overflow', 5)] }),
      LIMITS,
      NOW,
    );
    expect(tiles.byQueue.map((q) => [q.queue, q.waiting, q.answered])).toEqual([
      ['sales', 0, 0],
      ['support', 0, 0],
      ['billing', 0, 0],
      ['overflow', 1, 0],
    ]);
  });

  it('counts per queue the calls a bot holds, for a team whose bots took calls today, and none for others', () => {
    const held = (callId: string, queue: string) => ({ callId, queue, customer: '447700900002', sinceMs: NOW - 5000 });
    const withBots = floorTiles(
      snapshot({ queues: ['front', 'sales'], withAssistant: [held('c1', 'front'), held('c2', 'front')] }),
      LIMITS,
      NOW,
    );
    expect(withBots.byQueue.map((q) => [q.queue, q.withAssistant])).toEqual([
      ['front', 2],
      ['sales', 0],
    ]);
    const noBots = floorTiles(snapshot({ queues: ['front', 'sales'] }), LIMITS, NOW);
    expect(noBots.byQueue.map((q) => q.withAssistant)).toEqual([undefined, undefined]);
  });

  it('reads the thresholds the snapshot carries, the defaults where the relay sends none', () => {
    expect(snapshot().thresholds).toEqual({ serviceLevelTargetPct: 80, maxWaitSec: 60 });
    expect(snapshot().queueNames).toEqual({});
  });
});
