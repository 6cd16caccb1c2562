import { create } from 'zustand';
import type { AppStatus, CallView } from '../../shared/ipcContract';

export interface CallMedia {
  answerReady: boolean;
  muted: boolean;
  connection?: RTCPeerConnectionState;
  packetsReceived: number;
  packetsSent: number;
  inboundEnergy: number;
  audioLevel: number;
  error?: string;
}

const emptyMedia: CallMedia = { answerReady: false, muted: false, packetsReceived: 0, packetsSent: 0, inboundEnergy: 0, audioLevel: 0 };

interface PhoneState {
  calls: Record<string, CallView>;
  media: Record<string, CallMedia>;
  status?: AppStatus;
  ringtonePlaying: boolean;
  /** The ended call whose summary is on screen until dismissed or a new call rings. */
  shownEndedId?: string;
  upsertCall(view: CallView): void;
  patchMedia(callId: string, patch: Partial<CallMedia>): void;
  setStatus(status: AppStatus): void;
  dismissEnded(): void;
}

export const usePhone = create<PhoneState>((set) => ({
  calls: {},
  media: {},
  ringtonePlaying: false,
  upsertCall: (view) =>
    set((s) => ({
      calls: { ...s.calls, [view.callId]: view },
      shownEndedId: view.phase === 'ended' ? view.callId : view.phase === 'ringing' ? undefined : s.shownEndedId,
    })),
  patchMedia: (callId, patch) =>
    set((s) => ({ media: { ...s.media, [callId]: { ...emptyMedia, ...s.media[callId], ...patch } } })),
  setStatus: (status) => set({ status }),
  dismissEnded: () => set({ shownEndedId: undefined }),
}));

export const selectRinging = (s: PhoneState): CallView[] =>
  Object.values(s.calls)
    .filter((c) => c.phase === 'ringing' || c.phase === 'answering')
    .sort((a, b) => a.offeredAtMs - b.offeredAtMs);

export const selectActive = (s: PhoneState): CallView | undefined =>
  Object.values(s.calls).find((c) => c.phase === 'pre_accepted' || c.phase === 'active' || c.phase === 'ending');

export const mediaOf = (s: PhoneState, callId: string): CallMedia => s.media[callId] ?? emptyMedia;
