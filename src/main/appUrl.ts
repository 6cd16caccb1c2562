/** True only for requests from the app's own page, never from another frame or origin. */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appUrl);
    // A file:// page has no real origin: only that exact file (no host, no query) is the app.
    if (app.protocol === 'file:') {
      return (
        target.protocol === 'file:' && target.host === '' && target.pathname === app.pathname && target.search === ''
      );
    }
    return target.origin === app.origin;
  } catch {
    return false;
  }
}
