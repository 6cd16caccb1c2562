/**
 * Notices a microphone that sends nothing while the agent believes they are heard: the energy the browser
 * measured from the local microphone has not grown for `windowMs` while unmuted (a headset's own mute switch,
 * an unplugged jack, a dead device). Fed with Chromium's cumulative `totalAudioEnergy` of the media source.
 */
export function createDeadMicDetector(options: { windowMs?: number; minEnergy?: number } = {}) {
  const windowMs = options.windowMs ?? 10_000;
  // Room noise alone adds about 1e-5 over 10 s; a dead input adds nothing at all.
  const minEnergy = options.minEnergy ?? 1e-7;
  let since: { atMs: number; energy: number } | undefined;

  return {
    /** Returns whether the microphone has been silent for the whole window. */
    sample(atMs: number, totalEnergy: number, muted: boolean): boolean {
      if (muted || !since || totalEnergy - since.energy > minEnergy || totalEnergy < since.energy) {
        since = muted ? undefined : { atMs, energy: totalEnergy };
        return false;
      }
      return atMs - since.atMs >= windowMs;
    },
  };
}
