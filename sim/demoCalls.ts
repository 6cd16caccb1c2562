import type { PhoneWithSim } from './phoneWithSim';

/**
 * The demo's simulated caller: the first call goes once the phone's window is open and has had a moment to
 * settle (a call placed before would ring out unseen), later ones when asked.
 */
export function startDemoCalls(phone: PhoneWithSim, options: { settleMs?: number; say?: (line: string) => void } = {}) {
  const say = options.say ?? (() => undefined);
  let last: string | undefined;
  let stopped = false;
  async function place(): Promise<string> {
    const call = await phone.sim.placeCall({ name: 'Demo Caller' });
    last = call.callId;
    say('Calling… the caller plays a 440 Hz tone and records what you say.');
    return call.callId;
  }
  const first = phone.host.whenWindowOpens().then(async () => {
    await new Promise((r) => setTimeout(r, options.settleMs ?? 1500));
    return stopped ? undefined : place();
  });
  return {
    first,
    place,
    async hangUpLast(): Promise<boolean> {
      if (!last) return false;
      await phone.sim.hangUp(last);
      return true;
    },
    stop(): void {
      stopped = true;
    },
  };
}
