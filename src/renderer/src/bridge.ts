import type { SoftphoneApi } from '../../shared/ipcContract';
import { createHttpBridge } from './httpBridge';

/** The preload's API inside Electron; the HTTP bridge when the page runs in a plain browser against the host. */
export const api: SoftphoneApi = window.softphone ?? createHttpBridge();
