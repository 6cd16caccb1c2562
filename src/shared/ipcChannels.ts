// Channel names alone, free of zod, so the sandboxed preload can bundle them without dependencies.
export const INVOKE_CHANNELS = ['call:answer', 'call:reject', 'call:hangup', 'call:mediaFailed', 'calls:list', 'app:status'] as const;
export const EVENT_CHANNELS = ['call:updated'] as const;
export type InvokeChannelName = (typeof INVOKE_CHANNELS)[number];
export type EventChannelName = (typeof EVENT_CHANNELS)[number];
