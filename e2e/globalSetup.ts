import { electronBinary, ELECTRON_SKIP_REASON } from '../scripts/lib/electronBinary';

export default function globalSetup(): void {
  if (!electronBinary()) console.log(ELECTRON_SKIP_REASON);
}
