import { join } from 'node:path';
import { app, BrowserWindow, dialog, globalShortcut, ipcMain, Menu, Notification, safeStorage, shell } from 'electron';
import { INVOKE_CHANNELS } from '../shared/ipcChannels';
import type { EventChannel, EventPayload } from '../shared/ipcContract';
import { startAppServices, type AppServices } from './appServices';
import { closeDecision } from './closeDecision';
import { startUpdates } from './updates';
import { prepareDesk } from './deskStartup';
import { createFatalErrorHandler, installFatalErrorHandler } from './fatalErrors';
import { dispatchInvoke } from './ipcDispatch';
import { createSecureWindow, isTrustedSender } from './secureWindow';
import { plainCipher, type SecretCipher } from './settingsStore';
import { createStatusTray } from './statusTray';
import { ngrokTunnels } from '../whatsapp/tunnel';
import { shortcutsFor, type ShortcutKeys } from '../shared/shortcuts';
import { sentence } from '../shared/sentence';

let services: AppServices | undefined;
let win: BrowserWindow | undefined;
let quitting = false;
/** What is registered system-wide now: '' for nothing, else the shortcut letters in use. */
let globalShortcutsOn = '';

/**
 * The shortcuts always work inside the window (the page handles them); system-wide only when the agent opts in,
 * because Ctrl+Shift+R and friends belong to other programs too. A shortcut another program holds is reported.
 */
function applyGlobalShortcuts(wanted: boolean, keys?: ShortcutKeys): void {
  const shortcuts = shortcutsFor(keys).filter((s) => s.accelerator !== '');
  const signature = wanted ? shortcuts.map((s) => s.accelerator).join(',') : '';
  if (signature === globalShortcutsOn) return;
  globalShortcutsOn = signature;
  globalShortcut.unregisterAll();
  if (!wanted) return services?.setNotice('shortcuts', undefined);
  const taken = shortcuts.filter(
    (shortcut) =>
      !globalShortcut.register(shortcut.accelerator, () => send('shortcut:pressed', { action: shortcut.action })),
  );
  services?.setNotice(
    'shortcuts',
    taken.length > 0 ? sentence('shortcutsTaken', { keys: taken.map((s) => s.label).join(', ') }) : undefined,
  );
}

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
      // Buttons on the notification itself where the OS offers them (macOS); elsewhere a click opens the phone.
      actions: [
        { type: 'button', text: 'Answer' },
        { type: 'button', text: 'Decline' },
      ],
      urgency: 'critical',
    });
    note.on('click', () => win?.focus());
    note.on('action', (_event, index) => {
      win?.focus();
      // The page holds the call's audio: it answers, exactly as the Answer shortcut does.
      send('shortcut:pressed', { action: index === 0 ? 'answer' : 'reject' });
    });
    note.show();
  }
}

app.whenReady().then(async () => {
  // No default menu: its accelerators (Ctrl+Shift+R force-reload, dev tools) would act on the phone's page.
  Menu.setApplicationMenu(null);
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
    holdMusic: storage.holdMusic,
    mediaFolder: storage.mediaFolder,
    environment,
    logger,
    tunnels: ngrokTunnels,
    openExternal: (url) => shell.openExternal(url),
    emit: (channel, payload) => {
      send(channel, payload);
      if (channel === 'call:updated') {
        const call = payload as EventPayload<'call:updated'>;
        if (call.phase === 'ringing' && !call.silent) ring(call.from, call.callerName);
        // The dock / taskbar badge counts calls waiting for the agent, even with the window hidden in the tray.
        const waiting = services?.coordinator.list().filter((c) => c.phase === 'ringing' && !c.silent).length ?? 0;
        app.setBadgeCount(waiting);
        if (waiting === 0) win?.flashFrame(false);
      }
      if (channel === 'app:status') {
        const status = payload as EventPayload<'app:status'>;
        tray.show(status.preferences.status);
        applyGlobalShortcuts(status.preferences.globalShortcuts ?? false, status.preferences.shortcutKeys);
      }
    },
  });
  const running = services;
  installFatalErrorHandler(
    createFatalErrorHandler({ logger, failFatally: () => running.failFatally(), exit: (code) => app.exit(code) }),
  );
  const handlers = services.handlers;

  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrustedSender(event, appUrl())) throw new Error('IPC refused: sender is not the app page');
      return dispatchInvoke(handlers, channel, payload);
    });
  }

  win = createSecureWindow(join(__dirname, '../preload/index.js'), appUrl());
  tray.show(services.status().preferences.status);
  const { globalShortcuts, shortcutKeys } = services.status().preferences;
  applyGlobalShortcuts(globalShortcuts ?? false, shortcutKeys);
  // The call's audio lived in the page: if it crashes, end the answered call rather than leave it open, and reload.
  win.webContents.on('render-process-gone', (_event, details) => {
    logger.error('window process gone', { reason: details.reason, exitCode: details.exitCode });
    void running.coordinator.endAnswered(
      'The phone window crashed during the call; the call was ended.',
      sentence('windowCrashed'),
    );
    if (details.reason !== 'clean-exit') win?.webContents.reload();
  });
  // Closing the window hides it to the tray, so calls keep ringing; without the tray, a live call is asked about.
  win.on('close', (event) => {
    const decision = closeDecision({
      quitting,
      closeToTray: running.status().preferences.closeToTray ?? true,
      liveCall: running.coordinator.list().some((c) => c.phase !== 'ended'),
    });
    if (decision === 'close') {
      app.quit();
      return;
    }
    event.preventDefault();
    if (decision === 'hide') {
      win?.hide();
      return;
    }
    const choice = dialog.showMessageBoxSync(win!, {
      type: 'question',
      buttons: ['Keep the call', 'Hang up and quit'],
      defaultId: 0,
      cancelId: 0,
      message: 'A call is in progress.',
      detail: 'Quitting hangs up the call. Keep it, or hang up and quit?',
    });
    if (choice === 1) app.quit();
  });
  await win.loadURL(appUrl());
  startUpdates(process.env.SOFTPHONE_UPDATE_URL, logger);
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
app.on('activate', () => win?.show());
