// Chromium has AudioContext.setSinkId; TypeScript's DOM library does not list it yet.
type RoutableContext = AudioContext & { setSinkId(id: string): Promise<void> };

/** A two-tone ring made with Web Audio, so no sound file has to ship or load. */
export class Ringtone {
  private context?: RoutableContext;
  private timer?: ReturnType<typeof setInterval>;

  private sinkId = '';
  /** The ring's loudness: 0 silent, 1 loudest (0.5 is the built-in level). */
  private volume = 0.5;

  setVolume(volume: number): void {
    this.volume = Math.max(0, Math.min(1, volume));
  }

  /** The gain each ring burst is played at. */
  get gainValue(): number {
    return 0.24 * this.volume;
  }

  /** Sends the ring to its own device, so it can sound on loudspeakers while calls stay in the headset. */
  async setDevice(deviceId: string | undefined): Promise<void> {
    // Status updates arrive with every webhook; only a changed choice touches the audio device.
    if ((deviceId ?? '') === this.sinkId) return;
    this.sinkId = deviceId ?? '';
    if (this.context) await this.context.setSinkId(this.sinkId).catch(() => this.context?.setSinkId(''));
  }

  private mode: 'ring' | 'waiting' = 'ring';

  get playing(): 'ring' | 'waiting' | undefined {
    return this.timer !== undefined ? this.mode : undefined;
  }

  /** `ring`: the full two-tone ring; `waiting`: a discreet beep every 4 s for a call waiting during a call. */
  start(mode: 'ring' | 'waiting' = 'ring'): void {
    if (this.timer && this.mode === mode) return;
    clearInterval(this.timer);
    this.mode = mode;
    if (!this.context) {
      try {
        this.context = new AudioContext({ sinkId: this.sinkId } as AudioContextOptions) as RoutableContext;
      } catch {
        // The ringer device is gone; ringing on the default output beats a silent phone.
        this.context = new AudioContext() as RoutableContext;
      }
    }
    void this.context.resume();
    const burst = () => (this.mode === 'ring' ? this.burst() : this.beep());
    burst();
    this.timer = setInterval(burst, this.mode === 'ring' ? 3000 : 4000);
  }

  private burst(): void {
    const ctx = this.context;
    if (!ctx) return;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    for (const frequency of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      osc.stop(ctx.currentTime + 2);
    }
    gain.gain.setValueAtTime(this.gainValue, ctx.currentTime);
    gain.gain.setValueAtTime(0, ctx.currentTime + 1.9);
  }

  private beep(): void {
    const ctx = this.context;
    if (!ctx) return;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const osc = ctx.createOscillator();
    osc.frequency.value = 440;
    osc.connect(gain);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
    gain.gain.setValueAtTime(this.gainValue / 2, ctx.currentTime);
    gain.gain.setValueAtTime(0, ctx.currentTime + 0.28);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.context?.suspend();
  }
}
