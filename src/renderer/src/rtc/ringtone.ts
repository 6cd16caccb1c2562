/** A two-tone ring made with Web Audio, so no sound file has to ship or load. */
export class Ringtone {
  private context?: AudioContext;
  private timer?: ReturnType<typeof setInterval>;

  get playing(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.context ??= new AudioContext();
    void this.context.resume();
    const burst = () => this.burst();
    burst();
    this.timer = setInterval(burst, 3000);
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
    gain.gain.setValueAtTime(0.12, ctx.currentTime);
    gain.gain.setValueAtTime(0, ctx.currentTime + 1.9);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.context?.suspend();
  }
}
