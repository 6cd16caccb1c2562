import { join } from 'node:path';
import { app, BrowserWindow, globalShortcut, ipcMain, Notification, safeStorage } from 'electron';
import { INVOKE_CHANNELS } from '../shared/ipcChannels';
import type { EventChannel, EventPayload } from '../shared/ipcContract';
import { startAppServices, type AppServices } from './appServices';
import { prepareDesk } from './deskStartup';
import { dispatchInvoke } from './ipcDispatch';
import { createSecureWindow, isTrustedSender } from './secureWindow';
import { plainCipher, type SecretCipher } from './settingsStore';
import { createStatusTray } from './statusTray';
import { ngrokTunnels } from '../whatsapp/tunnel';
import { SHORTCUTS } from '../shared/shortcuts';

let services: AppServices | undefined;
let win: BrowserWindow | undefined;
let quitting = false;

if (process.env.SOFTPHONE_DATA_DIR) app.setPath('userData', process.env.SOFTPHONE_DATA_DIR);
if (!app.requestSingleInstanceLock()) app.quit();

function appUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${join(__dirname, '../renderer/index.html')}`;
}

/** safeStorage where the OS has a key store; on Linux without one Electron only obfuscates, so say so. */
function secretCipher(): SecretCipher {
  if (!safeStorage.isEncryptionAvailable()) return plainCipher;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return plainCipher;
  return {
    encrypted: true,
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  };
}

function send<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

function ring(from: string, name?: string): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  win.flashFrame(true);
  if (Notification.isSupported()) {
    const note = new Notification({
      title: 'Incoming WhatsApp call',
      body: name && name !== from ? `${name} (+${from})` : `+${from}`,
    });
    note.on('click', () => win?.focus());
    note.show();
  }
}

app.whenReady().then(async () => {
  const { storage, environment, logger } = prepareDesk({
    dataDir: app.getPath('userData'),
    cipher: secretCipher(),
    env: process.env,
  });

  const tray = createStatusTray({
    onOpen: () => win?.show(),
    onStatus: (status) => void services?.handlers['preferences:save']({ status }),
    onQuit: () => app.quit(),
  });
  services = await startAppServices({
    settings: storage.settings,
    history: storage.history,
    notices: storage.notices,
    environment,
    logger,
    tunnels: ngrokTunnels,
    emit: (channel, payload) => {
      send(channel, payload);
      if (channel === 'call:updated') {
        const call = payload as EventPayload<'call:updated'>;
        if (call.phase === 'ringing' && !call.silent) ring(call.from, call.callerName);
      }
      if (channel === 'app:status') tray.show((payload as EventPayload<'app:status'>).preferences.status);
    },
  });
  const handlers = services.handlers;

  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrustedSender(event, appUrl())) throw new Error('IPC refused: sender is not the app page');
      return dispatchInvoke(handlers, channel, payload);
    });
  }

  win = createSecureWindow(join(__dirname, '../preload/index.js'), appUrl());
  tray.show(services.status().preferences.status);
  // Global shortcuts reach the agent's phone from any application.
  for (const shortcut of SHORTCUTS) {
    globalShortcut.register(shortcut.accelerator, () => send('shortcut:pressed', { action: shortcut.action }));
  }
  await win.loadURL(appUrl());
});

// Terminate live calls on Meta's side before the process goes away.
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  globalShortcut.unregisterAll();
  services.close().finally(() => app.quit());
});

app.on('second-instance', () => win?.show());
app.on('window-all-closed', () => app.quit());
