import type { ParleyHost } from '@parley/shared';

declare global {
  interface Window {
    /** The host API: provided by the desktop preload, or installed by `main.tsx` (web host). */
    parley: ParleyHost;
  }
}
