import { isAppUrl } from './appUrl';

/** A permission prompt: only the microphone, asked for explicitly, by the app's own page. */
export function allowPermissionRequest(
  request: { permission: string; mediaTypes?: string[]; requestingUrl?: string },
  appUrl: string,
): boolean {
  const media = request.mediaTypes ?? [];
  return (
    request.permission === 'media' &&
    media.length > 0 &&
    media.every((t) => t === 'audio') &&
    request.requestingUrl !== undefined &&
    isAppUrl(request.requestingUrl, appUrl)
  );
}

/** A permission check (no prompt): the same rule, judged on the page's own URL rather than its origin. */
export function allowPermissionCheck(
  check: { permission: string; mediaType?: string; pageUrl?: string },
  appUrl: string,
): boolean {
  return (
    check.permission === 'media' &&
    check.mediaType === 'audio' &&
    check.pageUrl !== undefined &&
    isAppUrl(check.pageUrl, appUrl)
  );
}
