import type { HoldMusic } from './holdMusic';
import { createDeadMicDetector } from '../../../shared/deadMic';
import type { CallSession, MediaStats } from './callSession';
import type { QualitySample } from '../../../shared/callQuality';

/**
 * Everything the window holds for one call: its media session, the element playing the caller, the last
 * stats sample, the lost-audio watchdog and its flags. Created when the call rings or is dialled, and
 * released in one place, `dispose`.
 */
export class LiveCall {
  private audio?: HTMLAudioElement;
  private watchdog?: ReturnType<typeof setTimeout>;
  private disposed = false;
  /** The previous stats sample, so quality is measured over the last interval, not the whole call. */
  lastStats?: MediaStats;
  /** The worst quality measured since main last heard of it: no bad moment between two reports is lost. */
  worstUnsent?: QualitySample;
  /** Watches the agent's microphone for silence while unmuted. */
  readonly deadMic = createDeadMicDetector();
  /** Auto-answer has been tried for this call; it is never tried twice. */
  autoAnswered = false;
  /** Answer was pressed: a second press (a double click, the shortcut) while it goes through is ignored. */
  answerPressed = false;

  constructor(
    readonly callId: string,
    readonly session: Promise<CallSession>,
  ) {}

  /** The session once ready; undefined when it could not be built. */
  ready(): Promise<CallSession | undefined> {
    return this.session.catch(() => undefined);
  }

  /** The element that plays the caller's audio, made on first use. */
  remoteAudio(): HTMLAudioElement {
    if (!this.audio) {
      this.audio = new Audio();
      this.audio.autoplay = true;
    }
    return this.audio;
  }

  private music?: HoldMusic;

  /** Held: the caller hears what `sound` starts instead of the agent, and the agent no longer hears the caller. */
  async hold(sound: () => HoldMusic): Promise<void> {
    const session = await this.ready();
    if (!session || this.music) return;
    this.music = sound();
    await session.sendInsteadOfMic(this.music.track);
    if (this.audio) this.audio.muted = true;
  }

  async resume(): Promise<void> {
    const session = await this.ready();
    const music = this.music;
    this.music = undefined;
    if (this.audio) this.audio.muted = false;
    await session?.sendInsteadOfMic(undefined);
    music?.stop();
  }

  /** Whether the caller's audio is being played to the agent (not while held). */
  get callerAudible(): boolean {
    return this.audio !== undefined && !this.audio.muted;
  }

  get held(): boolean {
    return this.music !== undefined;
  }

  get hasRemoteAudio(): boolean {
    return this.audio !== undefined;
  }

  /** Gives lost audio a bounded time to come back before `onExpired` ends the call; a running watchdog is kept. */
  startWatchdog(timeoutMs: number, onExpired: () => void): void {
    if (this.watchdog !== undefined || this.disposed) return;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      onExpired();
    }, timeoutMs);
  }

  stopWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  get watching(): boolean {
    return this.watchdog !== undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopWatchdog();
    this.music?.stop();
    this.music = undefined;
    this.session.then((s) => s.close()).catch(() => undefined);
    if (this.audio) this.audio.srcObject = null;
    this.audio = undefined;
    this.lastStats = undefined;
  }
}
