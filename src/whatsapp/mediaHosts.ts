/**
 * Whether a media download address may be sent the access token: only Meta's own https hosts, or the Graph API
 * origin the desk is configured with (the simulator in tests). A webhook is signed, but the token is worth
 * more than one bad address, so anything else goes through the Media API instead.
 */
export function mayCarryToken(address: string, graphBaseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.origin === new URL(graphBaseUrl).origin) return true;
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return false;
  const host = url.hostname.toLowerCase();
  return ['fbsbx.com', 'facebook.com', 'whatsapp.net', 'fbcdn.net'].some(
    (domain) => host === domain || host.endsWith(`.${domain}`),
  );
}
