import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../shared/ipcChannels';
import type { SoftphoneApi } from '../shared/ipcContract';

const invokable = new Set<string>(INVOKE_CHANNELS);
const listenable = new Set<string>(EVENT_CHANNELS);

const api: SoftphoneApi = {
  invoke(channel, request) {
    if (!invokable.has(channel)) return Promise.reject(new Error(`unknown channel ${channel}`));
    return ipcRenderer.invoke(channel, request);
  },
  on(channel, listener) {
    if (!listenable.has(channel)) throw new Error(`unknown channel ${channel}`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('softphone', api);
