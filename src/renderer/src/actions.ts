import type { HistoryQuery } from '../../shared/historySchemas';
import type { InvokeRequest } from '../../shared/ipcContract';
import { api } from './bridge';

/** The one place views act from: calls, preferences, settings and history. */
export {
  answerCall,
  chooseCapture,
  dialCall,
  endAndAnswer,
  hangupCall,
  holdAndAnswer,
  holdCall,
  passCallback,
  rejectCall,
  requestPermission,
  resumeCall,
  sendDtmf,
  setMuted,
  takeCallback,
} from './callController';
export { applyDevices, savePreferences } from './deskPreferences';
export { runShortcut } from './shortcutActions';

export const loadSettings = () => api.invoke('settings:get', {});
export const saveSettings = (form: InvokeRequest<'settings:save'>) => api.invoke('settings:save', form);
export const testConnection = () => api.invoke('settings:testConnection', {});
export const loadTurnSettings = () => api.invoke('settings:turnGet', {});
export const saveTurnSettings = (form: InvokeRequest<'settings:turnSave'>) => api.invoke('settings:turnSave', form);
export const listHistory = (query: HistoryQuery) => api.invoke('history:list', query);
export const exportHistoryCsv = (query: HistoryQuery) => api.invoke('history:exportCsv', query);
export const readCallingSettings = () => api.invoke('settings:callingRead', {});
export const saveCallingSettings = (values: InvokeRequest<'settings:callingSave'>) =>
  api.invoke('settings:callingSave', values);
export const saveWrapUp = (wrapUp: InvokeRequest<'call:wrapUp'>) => api.invoke('call:wrapUp', wrapUp);
export const keepWrapUp = (callId: string) => api.invoke('call:wrapUpKeep', { callId });
export const sendWrapUpDraft = (draft: InvokeRequest<'call:wrapUpDraft'>) => api.invoke('call:wrapUpDraft', draft);
export const customerSummary = (customer: string, callId: string) =>
  api.invoke('history:customer', { customer, callId });
/** Opens an https page: a new tab in the browser, the system browser from the desktop app. */
export async function openExternal(url: string): Promise<void> {
  if (api.onWindow) window.open(url, '_blank', 'noopener,noreferrer');
  else await api.invoke('app:openExternal', { url });
}
/**
 * Signs in with the company account at the team relay: the desktop app opens the system browser itself; in a browser
 * tab the page opens the relay's sign-in in a new tab. Main keeps the token and says how it went in the app status.
 */
export async function companySignIn(relayUrls: string) {
  const result = await api.invoke('settings:companySignIn', { relayUrls });
  if (result.ok && result.url) window.open(result.url, '_blank', 'noopener,noreferrer');
  return result;
}
export const listToCallBack = () => api.invoke('history:toCallBack', {});
export const markDone = (callId: string) => api.invoke('history:markDone', { callId });
export const sendFollowUp = (callId: string) => api.invoke('history:followUp', { callId });
export const loadRecording = (callId: string) => api.invoke('history:recording', { callId });
export const retryCallMedia = (callId: string) => api.invoke('history:retryMedia', { callId });
/** A history row changed without the agent (WhatsApp's recording arrived). */
export const onHistoryChanged = (listener: () => void) => api.on('history:changed', listener);
export const transferCall = (callId: string, to: string, conference = false, consult = false) =>
  api.invoke('call:transfer', { callId, to, conference, consult });
export const holdCustomer = (callId: string, held: boolean) => api.invoke('call:holdCustomer', { callId, held });
export const handToBot = (callId: string, bot: string, note: string) =>
  api.invoke('call:handToBot', { callId, bot, note });
export const listColleagues = () => api.invoke('team:colleagues', {});
/** Team mode: Available, or not ready for one of the team's reasons. */
export const setTeamStatus = (activity: InvokeRequest<'team:status'>) => api.invoke('team:status', activity);
