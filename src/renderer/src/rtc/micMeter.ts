import { openMic } from './devices';

/** Samples a microphone's level (0..1) for the settings meter; stop() releases the device. */
export async function startMicMeter(deviceId: string | undefined, onLevel: (level: number) => void) {
  const { track } = await openMic(deviceId);
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  // A window longer than the 100 ms refresh, so no sound falls between two readings (1024 samples missed short beeps).
  analyser.fftSize = 8192;
  context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    onLevel(Math.min(1, Math.sqrt(sum / data.length) * 3));
  }, 100);
  return {
    label: track.label,
    stop(): void {
      clearInterval(timer);
      track.stop();
      void context.close();
    },
  };
}
