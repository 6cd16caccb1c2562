import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Notification } from 'electron';
import { INVOKE_CHANNELS } from '../shared/ipcChannels';
import type { InvokeHandlers } from '../shared/ipcContract';
import { startAppServices, type AppServices } from './appServices';
import { configFromEnv } from './config';
import { dispatchInvoke } from './ipcDispatch';
import { createLogger } from './logger';
import { createSecureWindow, isTrustedSender } from './secureWindow';

const config = configFromEnv(process.env);
const logger = createLogger({
  secrets: () => (config.ok ? [config.config.accessToken, config.config.appSecret] : []),
});
let services: AppServices | undefined;
let win: BrowserWindow | undefined;
let quitting = false;

function appUrl(): string {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return devUrl ?? `file://${join(__dirname, '../renderer/index.html')}`;
}

function handlersWithoutConfig(problems: string[]): InvokeHandlers {
  const refuse = async () => ({ ok: false as const, error: 'The phone is not configured yet.' });
  return {
    'call:answer': refuse,
    'call:reject': refuse,
    'call:hangup': refuse,
    'call:mediaFailed': refuse,
    'calls:list': async () => [],
    'app:status': async () => ({ problems, iceServers: [] }),
  };
}

function registerIpc(handlers: InvokeHandlers): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrustedSender(event, appUrl())) throw new Error('IPC refused: sender is not the app page');
      return dispatchInvoke(handlers, channel, payload);
    });
  }
}

function ring(from: string, name?: string): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  win.flashFrame(true);
  if (Notification.isSupported()) {
    const note = new Notification({ title: 'Incoming WhatsApp call', body: name && name !== from ? `${name} (+${from})` : `+${from}` });
    note.on('click', () => win?.focus());
    note.show();
  }
}

app.whenReady().then(async () => {
  if (config.ok) {
    services = await startAppServices(config.config, logger, (channel, payload) => {
      win?.webContents.send(channel, payload);
      if (channel === 'call:updated' && payload.phase === 'ringing') ring(payload.from, payload.callerName);
    });
    registerIpc(services.handlers);
  } else {
    logger.error('settings are incomplete', { problems: config.errors });
    registerIpc(handlersWithoutConfig(config.errors));
  }
  win = createSecureWindow(join(__dirname, '../preload/index.js'), appUrl());
  await win.loadURL(appUrl());
});

// Terminate live calls on Meta's side before the process goes away.
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  services.close().finally(() => app.quit());
});

app.on('window-all-closed', () => app.quit());
