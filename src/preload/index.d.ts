import type { SoftphoneApi } from '../shared/ipcContract';

declare global {
  interface Window {
    softphone?: SoftphoneApi;
  }
}
