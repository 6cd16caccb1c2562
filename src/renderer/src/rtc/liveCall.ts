import { createDeadMicDetector } from '../../../shared/deadMic';
import type { CallSession, MediaStats } from './callSession';

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
  /** Watches the agent's microphone for silence while unmuted. */
  readonly deadMic = createDeadMicDetector();
  /** Auto-answer has been tried for this call; it is never tried twice. */
  autoAnswered = false;

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
    this.session.then((s) => s.close()).catch(() => undefined);
    if (this.audio) this.audio.srcObject = null;
    this.audio = undefined;
    this.lastStats = undefined;
  }
}
