// Page code (runs in Chromium): type-checked with the DOM by tsconfig.e2e.json, not by tsconfig.node.json.
import type { Page } from '@playwright/test';
import { toneLevel } from './toneLevel';

/**
 * Gives a page a voice of its own and ears the test can read. Chromium's fake microphone is the same beep on every
 * desk, so in a room of several desks nobody could tell who is heard; each page here speaks one steady tone instead,
 * and every remote track it receives is tapped so the test can ask how loud a given tone is in what the page hears.
 */
export async function giveVoiceAndEars(page: Page, voiceHz: number): Promise<void> {
  await page.addInitScript((hz: number) => {
    const context = new AudioContext();
    const voices: OscillatorNode[] = [];
    // Changes the voice at once, for latency measurements; returns when (wall clock, as the far end's).
    (window as unknown as { setVoiceHz(hz: number): number }).setVoiceHz = (next: number) => {
      for (const osc of voices) osc.frequency.setValueAtTime(next, context.currentTime);
      return Date.now();
    };
    navigator.mediaDevices.getUserMedia = async () => {
      await context.resume();
      const osc = context.createOscillator();
      voices.push(osc);
      osc.frequency.value = hz;
      const gain = context.createGain();
      gain.gain.value = 0.3;
      const sink = context.createMediaStreamDestination();
      osc.connect(gain).connect(sink);
      osc.start();
      return sink.stream;
    };
    const analysers: AnalyserNode[] = [];
    const connections: RTCPeerConnection[] = [];
    const Native = window.RTCPeerConnection;
    class Tapped extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        connections.push(this);
        this.addEventListener('track', (event) => {
          // Chromium feeds remote WebRTC audio to Web Audio only while an element plays it too.
          const element = new Audio();
          element.muted = true;
          element.srcObject = new MediaStream([event.track]);
          void element.play().catch(() => undefined);
          const analyser = context.createAnalyser();
          analyser.fftSize = 8192;
          context.createMediaStreamSource(new MediaStream([event.track])).connect(analyser);
          analysers.push(analyser);
          void context.resume();
        });
      }
    }
    window.RTCPeerConnection = Tapped;
    // The peak (0..1) of what the page's latest call sends now: the microphone's track, or the one that replaced it.
    (window as unknown as { sentLevel(): Promise<number> }).sentLevel = async () => {
      const sender = connections
        .at(-1)
        ?.getSenders()
        .find((s) => s.track?.kind === 'audio');
      if (!sender?.track) return 0;
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      const source = context.createMediaStreamSource(new MediaStream([sender.track]));
      source.connect(analyser);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const samples = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(samples);
      source.disconnect();
      return samples.reduce((peak, x) => Math.max(peak, Math.abs(x)), 0);
    };
    (window as unknown as { latestHeard(): [number[], number] }).latestHeard = () => {
      const analyser = analysers.at(-1);
      const samples = new Float32Array(analyser?.fftSize ?? 0);
      analyser?.getFloatTimeDomainData(samples);
      return [Array.from(samples), context.sampleRate];
    };
  }, voiceHz);
}

/** Amplitude (0..1) of a tone in the last ~170 ms the page's latest call carried to it. */
export async function heardTone(page: Page, hz: number): Promise<number> {
  const [samples, rate] = await page.evaluate(() =>
    (window as unknown as { latestHeard(): [number[], number] }).latestHeard(),
  );
  return toneLevel(samples, rate, hz);
}

/** Level (0..1) of what the page's latest call sends in place of, or as, its microphone. */
export async function sentLevel(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { sentLevel(): Promise<number> }).sentLevel());
}
