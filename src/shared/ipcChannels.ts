// Channel names alone, free of zod, so the sandboxed preload can bundle them without dependencies.
export const INVOKE_CHANNELS = [
  'call:answer',
  'call:reject',
  'call:hangup',
  'call:mediaFailed',
  'call:quality',
  'call:hold',
  'call:transfer',
  'call:holdCustomer',
  'call:handToBot',
  'team:status',
  'team:colleagues',
  'call:wrapUp',
  'call:dial',
  'call:permission',
  'call:requestPermission',
  'callback:answer',
  'callbacks:list',
  'calls:list',
  'app:status',
  'settings:get',
  'settings:save',
  'settings:testConnection',
  'settings:companySignIn',
  'settings:callingRead',
  'settings:callingSave',
  'preferences:save',
  'settings:holdMusicGet',
  'settings:holdMusicSave',
  'app:openExternal',
  'history:customer',
  'history:toCallBack',
  'history:markDone',
  'history:followUp',
  'history:list',
  'history:exportCsv',
  'history:recording',
  'history:retryMedia',
] as const;
export const EVENT_CHANNELS = [
  'call:updated',
  'app:status',
  'shortcut:pressed',
  'permission:replied',
  'callbacks:offered',
  'history:changed',
] as const;
export type InvokeChannelName = (typeof INVOKE_CHANNELS)[number];
export type EventChannelName = (typeof EVENT_CHANNELS)[number];

/** Names the window an HTTP request to the browser host comes from: only the phone's one window may act. */
export const WINDOW_HEADER = 'x-window-id';
