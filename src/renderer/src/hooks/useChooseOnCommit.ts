import { useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';

/** Keys that move through a closed list's options one by one: a change they make is browsing, not a choice. */
const BROWSE_KEYS = new Set(['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/**
 * A select whose choice applies only when the agent makes it: a click on an option, or Enter on the one they browsed
 * to. Arrow keys on a closed select change its value at once in Chromium; applied, passing over "Not ready" on the
 * way to another option would withdraw a ringing call. Browsing shows the option; Escape or leaving puts it back.
 */
export function useChooseOnCommit(value: string, apply: (value: string) => void) {
  const [browsing, setBrowsing] = useState<string>();
  const lastKey = useRef<string | undefined>(undefined);
  return {
    value: browsing ?? value,
    onKeyDown(e: KeyboardEvent<HTMLSelectElement>) {
      // Alt+arrow opens the list: what is picked there is a choice. A letter jumps to an option: browsing too.
      const typed = e.key.length === 1 && e.key !== ' ' && !e.ctrlKey && !e.metaKey && !e.altKey;
      lastKey.current = (BROWSE_KEYS.has(e.key) && !e.altKey) || typed ? 'browse' : e.key;
      if (e.key === 'Enter' && browsing !== undefined) {
        e.preventDefault();
        setBrowsing(undefined);
        if (browsing !== value) apply(browsing);
      } else if (e.key === 'Escape' && browsing !== undefined) {
        e.preventDefault();
        setBrowsing(undefined);
      }
    },
    onChange(e: ChangeEvent<HTMLSelectElement>) {
      const browsed = lastKey.current === 'browse';
      lastKey.current = undefined;
      if (browsed) return setBrowsing(e.target.value);
      setBrowsing(undefined);
      apply(e.target.value);
    },
    onBlur() {
      setBrowsing(undefined);
    },
  };
}
