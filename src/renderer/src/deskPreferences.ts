import { errorText } from '../../shared/errorText';
import type { AgentPreferences } from '../../shared/settingsSchemas';
import { api } from './bridge';
import { liveCall, onStatus, remoteAudioElements } from './callController';
import { listAudioDevices, routeAudio } from './rtc/devices';
import { selectActive, usePhone } from './store';
import { i18n } from './i18n';

/** Applies a device choice at once to the live call, the ringer and the remote audio. */
export async function applyDevices(
  patch: Pick<AgentPreferences, 'micDeviceId' | 'speakerDeviceId' | 'ringerDeviceId'>,
): Promise<void> {
  const next = await api.invoke('preferences:save', patch);
  const status = usePhone.getState().status;
  if (status) onStatus({ ...status, preferences: next });
  const active = selectActive(usePhone.getState());
  if (!active) return;
  const live = liveCall(active.callId);
  const session = await live?.ready();
  if (session && 'micDeviceId' in patch) {
    const { label } = await session.switchMic(patch.micDeviceId);
    usePhone.getState().patchMedia(active.callId, { micLabel: label });
  }
  if ('speakerDeviceId' in patch && live?.hasRemoteAudio) await routeAudio(live.remoteAudio(), patch.speakerDeviceId);
}

export async function savePreferences(patch: Partial<AgentPreferences>): Promise<void> {
  const before = usePhone.getState().status;
  // Shown at once; main's answer (or the old value, if main refuses) follows.
  if (before) usePhone.getState().setStatus({ ...before, preferences: { ...before.preferences, ...patch } });
  try {
    const next = await api.invoke('preferences:save', patch);
    const status = usePhone.getState().status;
    if (status) onStatus({ ...status, preferences: next });
  } catch (error) {
    if (before) onStatus(before);
    usePhone.setState({ deviceNotice: i18n.t('media.preferenceFailed', { error: errorText(error) }) });
  }
}

/** When a device disappears mid-call, move the call to the default device rather than go silent. */
async function onDeviceChange(): Promise<void> {
  const { inputs, outputs } = await listAudioDevices();
  const p = usePhone.getState().status?.preferences;
  const active = selectActive(usePhone.getState());
  const session = active ? await liveCall(active.callId)?.ready() : undefined;
  const micId = session?.micDeviceId;
  if (session && micId && !inputs.some((d) => d.deviceId === micId)) {
    const { label } = await session.switchMic(undefined);
    usePhone.setState({ deviceNotice: i18n.t('media.micUnplugged', { label: label || i18n.t('media.defaultMic') }) });
  }
  if (p?.speakerDeviceId && !outputs.some((d) => d.deviceId === p.speakerDeviceId)) {
    for (const audio of remoteAudioElements()) await routeAudio(audio, undefined);
    usePhone.setState({ deviceNotice: i18n.t('media.speakerUnplugged') });
  }
}

export function watchDevices(): void {
  navigator.mediaDevices?.addEventListener('devicechange', () => void onDeviceChange());
}
