import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startCallController } from './callController';
import './styles.css';
import { App } from './views/App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startCallController();
