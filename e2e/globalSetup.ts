import { electronBinary, ELECTRON_SKIP_REASON } from './electronBinary';

export default function globalSetup(): void {
  if (!electronBinary()) console.log(ELECTRON_SKIP_REASON);
}
