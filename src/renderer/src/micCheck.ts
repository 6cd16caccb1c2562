import type { MicState } from '../../shared/readiness';
import { openMic } from './rtc/devices';
import { usePhone } from './store';

/** Opens the chosen microphone for a moment: a refusal or a missing device is known before a call rings. */
export async function checkMicrophone(): Promise<MicState> {
  let state: MicState;
  try {
    const { track } = await openMic(usePhone.getState().status?.preferences.micDeviceId);
    state = track.readyState === 'live' ? 'ok' : 'missing';
    track.stop();
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    state = name === 'NotFoundError' || name === 'OverconstrainedError' ? 'missing' : 'blocked';
  }
  usePhone.setState({ mic: state });
  return state;
}

/** Checks now, and again whenever devices or the microphone permission change. */
export function watchMicrophone(): void {
  void checkMicrophone();
  navigator.mediaDevices?.addEventListener('devicechange', () => void checkMicrophone());
  void navigator.permissions
    ?.query({ name: 'microphone' as PermissionName })
    .then((permission) => permission.addEventListener('change', () => void checkMicrophone()))
    .catch(() => undefined);
}
