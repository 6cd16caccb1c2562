export interface Tunnel {
  url: string;
  close(): Promise<void>;
}

/** Makes the local webhook reachable from Meta. */
export interface TunnelProvider {
  open(localPort: number, authtoken: string): Promise<Tunnel>;
}

/** The built-in tunnel through ngrok; needs an authtoken and internet access. */
export const ngrokTunnels: TunnelProvider = {
  async open(localPort, authtoken) {
    const ngrok = await import('@ngrok/ngrok');
    const listener = await ngrok.forward({ addr: `127.0.0.1:${localPort}`, authtoken });
    const url = listener.url();
    if (!url) throw new Error('ngrok opened no public address');
    return { url, close: () => listener.close() };
  },
};
