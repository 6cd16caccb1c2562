import { useTestTempRoot } from './lib/testTempRoot';

/** Vitest's whole run: its temporary folders in one place, removed at the end. */
export default function setup(): () => void {
  return useTestTempRoot();
}
