import { electronBinary, electronSkipReason } from '../scripts/lib/electronBinary';
import { useTestTempRoot } from '../scripts/lib/testTempRoot';

/** Before the e2e run: says why Electron's tests skip, if they do; returns the run's clean-up. */
export default function globalSetup(): () => void {
  if (!electronBinary()) console.log(electronSkipReason('Electron e2e'));
  return useTestTempRoot();
}
