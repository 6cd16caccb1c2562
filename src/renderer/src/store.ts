import type { MicState } from '../../shared/readiness';
import { create } from 'zustand';
import type { QualitySample } from '../../shared/callQuality';
import { ENGAGED_PHASES } from '../../shared/callMachine';
import type { AppStatus, CallbackOffer, CallView, PermissionReply } from '../../shared/ipcContract';

export interface CallMedia {
  answerReady: boolean;
  muted: boolean;
  /** Whether the agent hears the caller (false while the call is held). */
  callerAudible?: boolean;
  /** No sound from the microphone for 10 s while unmuted. */
  micSilent?: boolean;
  connection?: RTCPeerConnectionState;
  packetsReceived: number;
  packetsSent: number;
  packetsLost: number;
  inboundEnergy: number;
  audioLevel: number;
  quality?: QualitySample;
  micLabel?: string;
  canSendDtmf: boolean;
  dtmfSent: string;
  error?: string;
  /** Device news for this call (a missing microphone replaced by the default one). */
  notice?: string;
  /** Set while the audio connection is lost and being given time to come back. */
  connectionNotice?: string;
}

const emptyMedia: CallMedia = {
  answerReady: false,
  muted: false,
  packetsReceived: 0,
  packetsSent: 0,
  packetsLost: 0,
  inboundEnergy: 0,
  audioLevel: 0,
  canSendDtmf: false,
  dtmfSent: '',
};

/** What the agent has chosen and written in a wrap-up not yet saved: kept while other calls ring, are taken or end. */
export interface WrapUpDraft {
  outcome: string;
  notes: string;
}

const emptyDraft: WrapUpDraft = { outcome: '', notes: '' };

export type Tab = 'phone' | 'history' | 'settings';
/** The parts of Settings, one shown at a time: the connection is the administrator's, the rest the agent's. */
export type SettingsSection = 'connection' | 'audio' | 'desk' | 'team';

export interface PhoneState {
  calls: Record<string, CallView>;
  media: Record<string, CallMedia>;
  status?: AppStatus;
  /** When the agent's chosen status (Available, Busy, Away) last changed, as this page saw it: the top bar's time. */
  statusSinceMs: number;
  /** What the ringer plays now: the full ring, the call-waiting beep, or nothing. */
  ringtonePlaying?: 'ring' | 'waiting';
  /** The gain the ringer plays at, from the agent's ringer volume. */
  ringerGain?: number;
  /** Customers' latest answers to call-permission requests, by customer. */
  permissionReplies: Record<string, PermissionReply>;
  /** Customers' callbacks the team relay offers this agent now, the oldest call first. */
  callbackOffers: CallbackOffer[];
  /**
   * Why the last callback the agent took could not be called (a permission request went out instead, a check
   * failed): said on its card while it is in hand, below the cards once it left.
   */
  callbackNotice?: { callbackId: string; text: string };
  /** The process behind the page (the browser host) stopped answering: nothing the agent does reaches WhatsApp. */
  backendLost: boolean;
  /** The phone is open in another window or tab: this one only says so (calls are never split between windows). */
  otherWindow: boolean;
  /** The browser host refused this page's sign-in (restarted since, or the cookie lost): this page only says so. */
  signInRefused: boolean;
  tab: Tab;
  settingsSection: SettingsSection;
  /** Opens Settings at one section (the readiness line's "fix" buttons go straight to what needs fixing). */
  openSettings(section: SettingsSection): void;
  /** A device problem the agent should know about (unplugged headset and the like). */
  deviceNotice?: string;
  /** The ended call whose summary is on screen until dismissed or a new call rings. */
  shownEndedId?: string;
  /** A number put into the dial box from elsewhere (Call back in the history); the key remounts the box. */
  dialNumber?: string;
  dialKey: number;
  /** Whether the microphone works, as last checked (at start, on device and permission changes). */
  mic: MicState;
  /** Wrap-ups in progress, by call: they outlive the panel, which hides while the agent is on another call. */
  wrapUpDrafts: Record<string, WrapUpDraft>;
  editWrapUp(callId: string, patch: Partial<WrapUpDraft>): void;
  prepareDial(number: string): void;
  /** `keepTab`: the agent is typing on another tab, which a ringing call then leaves in place. */
  upsertCall(view: CallView, keepTab?: boolean): void;
  patchMedia(callId: string, patch: Partial<CallMedia>): void;
  setStatus(status: AppStatus): void;
  setTab(tab: Tab): void;
  dismissEnded(): void;
}

export const usePhone = create<PhoneState>((set) => ({
  calls: {},
  media: {},
  statusSinceMs: Date.now(),

  permissionReplies: {},
  callbackOffers: [],
  backendLost: false,
  otherWindow: false,
  signInRefused: false,
  tab: 'phone',
  settingsSection: 'connection',
  openSettings: (section) => set({ tab: 'settings', settingsSection: section }),
  dialKey: 0,
  mic: 'checking',
  wrapUpDrafts: {},
  editWrapUp: (callId, patch) =>
    set((s) => ({ wrapUpDrafts: { ...s.wrapUpDrafts, [callId]: { ...draftOf(s, callId), ...patch } } })),
  prepareDial: (number) =>
    set((s) => ({ dialNumber: number, dialKey: s.dialKey + 1, tab: 'phone', shownEndedId: undefined })),
  upsertCall: (view, keepTab = false) =>
    set((s) => ({
      ...keepRecentEnded({ ...s.calls, [view.callId]: view }, s.media),
      // A new ring replaces the last call's summary, but not a failure: that stays beside the ring until dismissed.
      shownEndedId:
        view.phase === 'ended'
          ? view.callId
          : view.phase === 'ringing' && !view.silent && !failedCall(s.calls[s.shownEndedId ?? ''])
            ? undefined
            : s.shownEndedId,
      // A call needing the agent brings the phone tab forward.
      tab: view.phase === 'ringing' && !view.silent && !keepTab ? 'phone' : s.tab,
    })),
  patchMedia: (callId, patch) =>
    set((s) => ({ media: { ...s.media, [callId]: { ...emptyMedia, ...s.media[callId], ...patch } } })),
  // First run opens Settings, and the agent stays there after saving to see the webhook details.
  setStatus: (status) =>
    set((s) => ({
      status,
      statusSinceMs: s.status?.preferences.status === status.preferences.status ? s.statusSinceMs : Date.now(),
      tab: status.configured ? s.tab : 'settings',
      wrapUpDrafts: draftsStillOpen(s.wrapUpDrafts, status),
      shownEndedId: wrapUpClosed(s.status, status, s.shownEndedId) ? undefined : s.shownEndedId,
    })),
  setTab: (tab) => set({ tab }),
  dismissEnded: () => set({ shownEndedId: undefined }),
}));

/**
 * Whether the shown call's wrap-up was open and is no more: closed without Save (the automatic return, the relay's
 * after-call limit), its summary, the card's first line, must go with it rather than stay as a lone "Call ended".
 */
function wrapUpClosed(before: AppStatus | undefined, after: AppStatus, callId: string | undefined): boolean {
  const open = (status: AppStatus | undefined) => status?.wrapUp?.calls.some((c) => c.callId === callId) === true;
  return callId !== undefined && open(before) && !open(after);
}

/** A call that ended because something failed (Answer refused, the audio lost): what happened must stay readable. */
const failedCall = (call: CallView | undefined): boolean => call?.endReason === 'failed';

/**
 * Drafts of wrap-ups main still has open; a saved (or automatically closed) one has nothing left to keep. A wrap-up
 * this page has no draft of takes main's (the desk opened again after its tab closed).
 */
export function draftsStillOpen(drafts: Record<string, WrapUpDraft>, status: AppStatus): Record<string, WrapUpDraft> {
  return Object.fromEntries(
    (status.wrapUp?.calls ?? []).flatMap((c) => {
      const draft = drafts[c.callId] ?? c.draft;
      return draft ? [[c.callId, draft]] : [];
    }),
  );
}

/** Ended calls the page keeps (the history holds them all): without a bound, a long shift would grow the page. */
export const ENDED_KEPT = 20;

/** The calls (and their media) without the oldest ended ones beyond ENDED_KEPT. */
export function keepRecentEnded(
  calls: Record<string, CallView>,
  media: Record<string, CallMedia>,
): { calls: Record<string, CallView>; media: Record<string, CallMedia> } {
  const ended = Object.values(calls).filter((c) => c.phase === 'ended');
  if (ended.length <= ENDED_KEPT) return { calls, media };
  const gone = new Set(
    ended
      .sort((a, b) => (b.endedAtMs ?? b.offeredAtMs) - (a.endedAtMs ?? a.offeredAtMs))
      .slice(ENDED_KEPT)
      .map((c) => c.callId),
  );
  const keep = <T>(entries: Record<string, T>) =>
    Object.fromEntries(Object.entries(entries).filter(([id]) => !gone.has(id)));
  return { calls: keep(calls), media: keep(media) };
}

export const selectRinging = (s: PhoneState): CallView[] =>
  Object.values(s.calls)
    .filter((c) => (c.phase === 'ringing' || c.phase === 'answering') && !c.silent)
    .sort((a, b) => a.offeredAtMs - b.offeredAtMs);

export const selectRingingOut = (s: PhoneState): number =>
  Object.values(s.calls).filter((c) => c.phase === 'ringing' && c.silent).length;

/** The call the agent is talking on (a held call waits apart). */
export const selectActive = (s: PhoneState): CallView | undefined =>
  Object.values(s.calls).find((c) => ENGAGED_PHASES.includes(c.phase) && c.heldSinceMs === undefined);

export const selectHeld = (s: PhoneState): CallView | undefined =>
  Object.values(s.calls).find((c) => c.phase === 'active' && c.heldSinceMs !== undefined);

export const mediaOf = (s: PhoneState, callId: string): CallMedia => s.media[callId] ?? emptyMedia;

export const draftOf = (s: PhoneState, callId: string): WrapUpDraft => s.wrapUpDrafts[callId] ?? emptyDraft;

type PendingWrapUp = NonNullable<AppStatus['wrapUp']>['calls'][number];
const noWrapUps: PendingWrapUp[] = [];

/** The answered calls still to write up, in the order they ended. */
export const selectWrapUps = (s: PhoneState): PendingWrapUp[] => s.status?.wrapUp?.calls ?? noWrapUps;
