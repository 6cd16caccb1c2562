import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startCallController } from './callController';
import { keepDraftsAcrossReloads, keepDraftsInMain } from './keptDrafts';
import { sendWrapUpDraft } from './actions';
import { watchDevices } from './deskPreferences';
import { watchMicrophone } from './micCheck';
import { watchTheme } from './theme';
import { watchLanguage } from './language';
import { loadHoldMusic } from './holdMusicFile';
import { listenForShortcuts } from './shortcutActions';
import './styles.css';
import { App } from './views/App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
keepDraftsAcrossReloads();
keepDraftsInMain((callId, draft) => void sendWrapUpDraft({ callId, ...draft }).catch(() => undefined));
listenForShortcuts();
watchDevices();
watchMicrophone();
watchTheme();
watchLanguage();
void loadHoldMusic().catch(() => undefined);
void startCallController();
