export interface AudioDevices {
  inputs: MediaDeviceInfo[];
  outputs: MediaDeviceInfo[];
}

export async function listAudioDevices(): Promise<AudioDevices> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    inputs: all.filter((d) => d.kind === 'audioinput'),
    outputs: all.filter((d) => d.kind === 'audiooutput'),
  };
}

export function micConstraints(deviceId?: string): MediaStreamConstraints {
  return {
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
    video: false,
  };
}

/**
 * Opens the chosen microphone, or the default one when it is gone (unplugged since it was chosen);
 * `fellBack` tells the caller to say so.
 */
export async function openMic(deviceId?: string): Promise<{ track: MediaStreamTrack; fellBack: boolean }> {
  if (deviceId && deviceId !== 'default') {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId));
      return { track: stream.getAudioTracks()[0]!, fellBack: false };
    } catch (error) {
      if (!(error instanceof DOMException) || (error.name !== 'OverconstrainedError' && error.name !== 'NotFoundError'))
        throw error;
    }
  }
  const stream = await navigator.mediaDevices.getUserMedia(micConstraints());
  return { track: stream.getAudioTracks()[0]!, fellBack: Boolean(deviceId && deviceId !== 'default') };
}

/** Routes an audio element to a speaker, falling back to the default output when it is gone. */
export async function routeAudio(element: HTMLMediaElement, deviceId?: string): Promise<boolean> {
  try {
    await element.setSinkId(deviceId ?? '');
    return true;
  } catch {
    await element.setSinkId('').catch(() => undefined);
    return false;
  }
}
