import { BrowserWindow, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { isAppUrl } from './appUrl';
import { allowPermissionCheck, allowPermissionRequest } from './permissionPolicy';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';

export function isTrustedSender(event: IpcMainInvokeEvent, appUrl: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, appUrl);
}

function lockDownContents(contents: WebContents, appUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** One place for the window's security: isolation, sandbox, CSP, microphone-only permissions, no navigation. */
export function createSecureWindow(preloadPath: string, appUrl: string): BrowserWindow {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(
      allowPermissionRequest(
        { permission, mediaTypes, requestingUrl: details.requestingUrl ?? contents.getURL() },
        appUrl,
      ),
    );
  });
  ses.setPermissionCheckHandler((contents, permission, _requestingOrigin, details) => {
    const pageUrl = details.requestingUrl ?? contents?.getURL();
    return allowPermissionCheck({ permission, mediaType: details.mediaType, pageUrl }, appUrl);
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  const win = new BrowserWindow({
    width: 420,
    height: 640,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: 'WhatsApp Softphone',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would otherwise open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  lockDownContents(win.webContents, appUrl);
  win.once('ready-to-show', () => win.show());
  return win;
}
