import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startCallController } from './callController';
import { keepDraftsAcrossReloads } from './keptDrafts';
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
listenForShortcuts();
watchDevices();
watchMicrophone();
watchTheme();
watchLanguage();
void loadHoldMusic().catch(() => undefined);
void startCallController();
