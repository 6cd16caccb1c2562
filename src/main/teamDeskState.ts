import type { CallSignal } from '../shared/callSignals';
import type { TeamDeskState } from '../shared/ipcContract';

type AgentState = Extract<CallSignal, { type: 'agent_state' }>;

/** The desk's own list of wrap-ups (wrapUp.ts), as far as the relay's word touches it. */
export interface DeskWrapUps {
  start(callId: string, autoReturnSec?: number): void;
  finish(callId: string): boolean;
  /** The agent wrote in this wrap-up: it stays open until they save it. */
  writing(callId: string): boolean;
  state(): { calls: Array<{ callId: string }> } | undefined;
}

/**
 * Team mode: the agent's state as the relay last told it, the not-ready reason the agent chose, and one list of
 * wrap-ups for both sides. A wrap-up the relay waits for is on the desk's list; one it stopped waiting for (its
 * after-call limit) leaves it, unless the agent wrote in it: then only the state changes (calls ring again) and the
 * card stays with what they wrote until they save it; one the desk closed unsaved (its automatic return) is released
 * at the relay too.
 */
export function createTeamDeskState(options: {
  wrapUps: DeskWrapUps;
  autoReturnSec(): number;
  /** Tells the relay the desk closed this wrap-up without an outcome. */
  release(callId: string): Promise<void>;
  onChange(): void;
}) {
  let latest: AgentState | undefined;
  let chosenReason: string | undefined;
  /** Wrap-ups sent to the relay: not taken back from a state it sent before it had them. */
  const leaving = new Set<string>();
  let adopting = false;

  const openAtDesk = (): Set<string> => new Set(options.wrapUps.state()?.calls.map((c) => c.callId));
  const relayHolds = (callId: string): boolean => latest?.wrapUps.includes(callId) ?? false;

  function adopt(): void {
    adopting = true;
    try {
      const open = openAtDesk();
      for (const callId of latest?.wrapUps ?? [])
        if (!open.has(callId) && !leaving.has(callId)) options.wrapUps.start(callId, options.autoReturnSec());
    } finally {
      adopting = false;
    }
  }

  /** The relay's word on this agent. */
  function take(signal: AgentState): void {
    const dropped = (latest?.wrapUps ?? []).filter((id) => !signal.wrapUps.includes(id));
    latest = signal;
    for (const callId of leaving) if (!signal.wrapUps.includes(callId)) leaving.delete(callId);
    adopting = true;
    try {
      for (const callId of dropped) if (!options.wrapUps.writing(callId)) options.wrapUps.finish(callId);
    } finally {
      adopting = false;
    }
    adopt();
    options.onChange();
  }

  /** Sends one wrap-up the relay holds on its way; should the relay not take it, the desk shows it again. */
  function send(callId: string, deliver: Promise<void>): void {
    if (!relayHolds(callId)) return;
    leaving.add(callId);
    deliver.catch(() => {
      leaving.delete(callId);
      adopt();
    });
  }

  return {
    take,
    /** The agent saved this wrap-up at the desk: record that before the desk's list drops it. */
    saving: send,
    /** The desk's list changed: wrap-ups the relay holds that left it unsaved are released there. */
    deskChanged(): void {
      if (adopting || !latest) return;
      const open = openAtDesk();
      for (const callId of latest.wrapUps)
        if (!open.has(callId) && !leaving.has(callId)) send(callId, options.release(callId));
    },
    relayHolds,
    /** Available (undefined) or not ready for this one of the team's reasons. */
    choose(reason: string | undefined): void {
      chosenReason = reason;
    },
    chosenReason: (): string | undefined => chosenReason,
    /** A new connection: the relay will say again. */
    forget(): void {
      latest = undefined;
      leaving.clear();
    },
    view: (): TeamDeskState | undefined =>
      latest && {
        state: latest.state,
        ...(latest.reason !== undefined && { reason: latest.reason }),
        sinceMs: latest.sinceMs,
        ...(chosenReason !== undefined && { chosenReason }),
        ...(latest.holdingCallback && { holdingCallback: true }),
      },
  };
}

export type TeamDesk = ReturnType<typeof createTeamDeskState>;
