import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ParleyHost } from '@parley/shared';
import { App } from './app/App';
import { ParleyContext } from './store/hooks';
import { createHostStore } from './store/host-store';
import { applyTheme } from './lib/theme';
import { followLanguage, startI18n } from './i18n';
import './styles.css';
import './messages/messages.css';
import './search/search.css';
import './attachments/attachments.css';

applyTheme();

/** The desktop preload installed `window.parley` before this script ran. */
const providedHost = 'parley' in window && !!window.parley;

/**
 * The desktop preload provides `window.parley`; in a browser we install the web host (the
 * client core runs in the page). `?demo` runs on an in-memory fake with sample data, in dev
 * builds only (or a build made with VITE_PARLEY_DEMO=1): production builds drop the fake host,
 * since the condition is a constant there and the dynamic import is dead code.
 */
async function resolveHost(): Promise<ParleyHost> {
  if ('parley' in window && window.parley) return window.parley;
  const params = new URLSearchParams(location.search);
  if ((import.meta.env.DEV || import.meta.env.VITE_PARLEY_DEMO === '1') && params.has('demo')) {
    const { createFakeHost } = await import('./host/fake-host');
    return createFakeHost({ signedIn: params.get('demo') !== 'signed-out' });
  }
  const { createWebHost } = await import('./host/web-host');
  return createWebHost();
}

// The language (English bundled, others a small chunk) loads while the host starts.
void Promise.all([resolveHost(), startI18n()]).then(([host]) => {
  // The desktop preload's `window.parley` is read-only (contextBridge); assigning it again
  // throws and leaves a blank window. Only a host installed here needs publishing.
  if (window.parley !== host) window.parley = host;
  // The desktop's native menus and notifications speak the language the window shows.
  const desktop = host.desktop;
  if (desktop) followLanguage((uiLanguage) => void desktop.updateSettings({ uiLanguage }));
  const store = createHostStore(host);
  const root = document.getElementById('root');
  if (!root) throw new Error('#root is missing from index.html');
  if (!providedHost) registerOfflineShell();
  createRoot(root).render(
    <StrictMode>
      <ParleyContext.Provider value={{ host, store }}>
        <App />
      </ParleyContext.Provider>
    </StrictMode>,
  );
});

/**
 * The offline shell (service worker, see renderer/offline-shell.ts) is for the web client the
 * server serves over http(s) only: not the desktop app (app://, its own host), not dev builds.
 */
function registerOfflineShell(): void {
  if (!import.meta.env.PROD || !/^https?:$/.test(location.protocol)) return;
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('./sw.js').catch((err: unknown) => {
    console.warn('Parley: offline shell unavailable', err);
  });
}
