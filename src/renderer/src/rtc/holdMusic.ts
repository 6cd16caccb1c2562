/**
 * A short built-in hold loop made with Web Audio (a soft C-major arpeggio), sent to the caller while held: WhatsApp
 * ends a call after 20-30 s without media, so a held call must keep sending sound.
 */
const NOTES_HZ = [523.25, 659.25, 783.99, 659.25];
const NOTE_S = 0.4;

export interface HoldMusic {
  track: MediaStreamTrack;
  stop(): void;
}

/** Plays the operator's music in a loop when there is one, else the built-in arpeggio. */
export function startHoldMusic(music?: AudioBuffer): HoldMusic {
  const context = new AudioContext();
  const sink = context.createMediaStreamDestination();
  const gain = context.createGain();
  gain.gain.value = music ? 1 : 0.25;
  gain.connect(sink);
  if (music) {
    const source = context.createBufferSource();
    source.buffer = music;
    source.loop = true;
    source.connect(gain);
    source.start();
    void context.resume();
    const track = sink.stream.getAudioTracks()[0]!;
    return {
      track,
      stop(): void {
        source.stop();
        track.stop();
        void context.close();
      },
    };
  }
  let next = context.currentTime;
  let index = 0;
  // Schedules a second ahead every half second, so a busy main thread never leaves a gap.
  const schedule = () => {
    while (next < context.currentTime + 1) {
      const osc = context.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = NOTES_HZ[index % NOTES_HZ.length]!;
      osc.connect(gain);
      osc.start(next);
      osc.stop(next + NOTE_S);
      next += NOTE_S;
      index += 1;
    }
  };
  schedule();
  const timer = setInterval(schedule, 500);
  void context.resume();
  const track = sink.stream.getAudioTracks()[0]!;
  return {
    track,
    stop(): void {
      clearInterval(timer);
      track.stop();
      void context.close();
    },
  };
}

/**
 * Silence in place of the microphone: on an anchored call the team's media server plays the music to the held customer,
 * and the desk's own loop would reach the customer while the relay is still moving them to the hold room.
 */
export function startHoldSilence(): HoldMusic {
  const context = new AudioContext();
  const track = context.createMediaStreamDestination().stream.getAudioTracks()[0]!;
  return {
    track,
    stop(): void {
      track.stop();
      void context.close();
    },
  };
}
