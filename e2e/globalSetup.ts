import { electronBinary, electronSkipReason } from '../scripts/lib/electronBinary';

export default function globalSetup(): void {
  if (!electronBinary()) console.log(electronSkipReason('Electron e2e'));
}
