/** Closes cleanly on Ctrl+C or a service manager's stop, then exits. */
export function stopOnSignals(close: () => Promise<unknown>): void {
  const stop = () => void close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
