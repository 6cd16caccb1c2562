/** Which demo runs: the phone alone (`npm run demo`), `--bot` or `--team`. */
export type DemoMode = 'phone' | 'bot' | 'team';

/** What a line typed into the demo's terminal asks for. */
export type DemoKey =
  { kind: 'place'; queue: 'support' | 'sales' } | { kind: 'hang_up' } | { kind: 'call_me_back' } | { kind: 'unknown' };

/**
 * The demo's keys, the same in every mode: Enter places a call (with `--team`, `s` + Enter one to Sales), `h` + Enter
 * has the customer hang up their latest call. Anything else does nothing but say which keys there are.
 */
export function demoKey(line: string, mode: DemoMode): DemoKey {
  const key = line.trim().toLowerCase();
  if (key === '') return { kind: 'place', queue: 'support' };
  if (key === 'h') return { kind: 'hang_up' };
  if (key === 's' && mode === 'team') return { kind: 'place', queue: 'sales' };
  if (key === 'c' && mode === 'team') return { kind: 'call_me_back' };
  return { kind: 'unknown' };
}

/** The keys of this mode, in a sentence for the terminal. */
export function demoKeysHelp(mode: DemoMode): string {
  const place = mode === 'team' ? 'Enter: a call to Support, "s" + Enter: a call to Sales' : 'Enter: a call';
  const callback = mode === 'team' ? ', "c" + Enter: the customer taps "Call me back" on the callback offer' : '';
  return `${place}, "h" + Enter: the customer hangs up their latest call${callback}, Ctrl+C: stop.`;
}

/** The customer's latest call still going on, of those the demo placed (newest last). */
export function latestLive<T extends { endedBy?: string }>(calls: readonly T[]): T | undefined {
  return [...calls].reverse().find((call) => !call.endedBy);
}
